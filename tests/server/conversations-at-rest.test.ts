// What conversations leave on disk (issue 9): acknowledged envelopes and messages past the
// disappearing-message timer are gone from the SQLite file, its WAL and its SHM — read raw, as
// someone who seized the host would — and expired ciphertext is not served even before the purge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url } from '@kolokol/shared';
import { purgeExpired } from '../../server/src/domain/housekeeping.js';
import { call, closeAllSockets } from '../support/client.js';
import { envelopeBody, openTestConversation, sendMessage } from '../support/conversations.js';
import { filesOnDisk, leftOnDisk } from '../support/disk.js';
import { startTestServer, type TestServer } from '../support/server.js';

const HOUR_MS = 3600 * 1000;
/** The server's clock: real time plus an offset the tests move forward. */
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { clock });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

function bytesOf(bodies: readonly string[]): Buffer[] {
  return bodies.map((body) => Buffer.from(fromBase64Url(body)!));
}

describe('conversation ciphertext leaves the database files', () => {
  it('acknowledged envelopes: gone from the DB, WAL and SHM', async () => {
    const { staff, peer, id } = await openTestConversation(server, 'contact');
    const bodies = Array.from({ length: 20 }, () => envelopeBody(1024));
    for (const body of bodies) await sendMessage(staff.socket, id, peer, { body });
    const before = await filesOnDisk(server.dbFile);
    expect(bytesOf(bodies).every((body) => before.includes(body))).toBe(true);

    expect(await call(peer.socket, 'conversations.ack', { conversation: id, seq: 20 })).toEqual({
      ok: true,
      data: { ackedSeq: 20 },
    });
    const gone = bytesOf(bodies);
    expect(await leftOnDisk(server.dbFile, gone)).toEqual(gone.map(() => 0));
  });

  it('the timer: expired messages are not served, then purged from the DB, WAL and SHM with their rows', async () => {
    const { staff, peer, id } = await openTestConversation(server, 'contact');
    expect(
      await call(staff.socket, 'conversations.set_timer', { conversation: id, ttlSeconds: 3600 }),
    ).toMatchObject({ ok: true });
    const bodies = Array.from({ length: 5 }, () => envelopeBody(4096));
    for (const body of bodies) await sendMessage(staff.socket, id, peer, { body });
    // Closed by one side: the conversation row too goes once its last message could have expired.
    await call(peer.socket, 'conversations.close', { conversation: id });
    const unread = await call(peer.socket, 'conversations.fetch', { conversation: id, after: 0 });
    expect(unread.ok && unread.data.messages).toHaveLength(5);

    // An hour and a minute later: not served any more, even before housekeeping ran.
    offsetMs += HOUR_MS + 60_000;
    const expired = await call(peer.socket, 'conversations.fetch', { conversation: id, after: 0 });
    expect(expired).toEqual({ ok: true, data: { messages: [] } });

    const purged = await purgeExpired(server.store, clock);
    expect(purged.conversationMessages).toBeGreaterThanOrEqual(5);
    expect(purged.conversations).toBeGreaterThanOrEqual(1);
    const rows = server.snapshot();
    for (const table of ['conversations', 'conversation_messages', 'conversation_envelopes']) {
      expect(
        rows[table]?.filter((row) => String(row).includes(id)),
        table,
      ).toEqual([]);
    }
    const gone = [...bytesOf(bodies), Buffer.from(id)];
    expect(await leftOnDisk(server.dbFile, gone)).toEqual(gone.map(() => 0));
  });

  it('the timer leaves younger messages and open conversations alone', async () => {
    const { staff, peer, id } = await openTestConversation(server, 'contact');
    const body = envelopeBody();
    await sendMessage(staff.socket, id, peer, { body });
    await purgeExpired(server.store, clock);
    const kept = await call(peer.socket, 'conversations.fetch', { conversation: id, after: 0 });
    expect(kept.ok && kept.data.messages.map((m) => m.body)).toEqual([body]);
  });
});
