// A peer's bad envelopes reach the client core: random bytes of a valid padded size (which only
// the recipient can tell from a real message). Each is shown as `undecryptable` with the crypto's
// reason, stored, acknowledged — never thrown at the app, never blocking the conversation — and
// the messages after it are processed in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/client.js';
import { envelopeBody } from '../support/conversations.js';
import { addDevice, publishPrekeys, type TestDevice } from '../support/keys.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';
import { eventually, registerMember, type Member } from './support.js';

let server: TestServer;
let contact: Member;
let moderator: TestDevice;
beforeAll(async () => {
  server = await startTestServer();
  contact = await registerMember(server, 'contact');
  // A raw device on the other side, which sends whatever bytes it likes.
  moderator = await addDevice(server.url, await enrolStaff(server, 'moderator'));
  await publishPrekeys(moderator, 0);
});
afterAll(async () => {
  contact?.client.close();
  moderator?.socket.close();
  await server.close();
});

describe('bad envelopes from a peer', () => {
  it('are shown as undecryptable, acknowledged, and do not block what follows', async () => {
    const opened = await call(moderator.socket, 'conversations.open', {
      peer: contact.client.accountId,
    });
    if (!opened.ok) throw new Error(opened.error.code);
    const conversation = opened.data.conversation.id;
    for (const [clientId, bucket] of [
      ['garbage0000000000000001', 256],
      ['garbage0000000000000002', 1024],
    ] as const) {
      const sent = await call(moderator.socket, 'conversations.send', {
        conversation,
        clientId,
        envelopes: [{ device: contact.client.deviceId, body: envelopeBody(bucket) }],
      });
      expect(sent.ok).toBe(true);
    }
    const history = () => contact.client.conversations.history(conversation);
    await eventually(async () => (await history()).length === 2);
    const shown = await history();
    expect(shown.map((m) => [m.seq, m.from, m.state, m.text])).toEqual([
      [1, 'peer', 'undecryptable', null],
      [2, 'peer', 'undecryptable', null],
    ]);
    expect(shown.map((m) => m.problem)).toEqual(['DECRYPT_FAILED', 'DECRYPT_FAILED']);
    // Acknowledged: the server keeps nothing more for the device.
    await eventually(() => {
      const rows = server.snapshot()['conversation_envelopes'] ?? [];
      return rows.length === 0;
    });
    const listed = await contact.client.call('conversations.list', {});
    expect(listed.conversations.find((c) => c.id === conversation)?.ackedSeq).toBe(2);
  });
});
