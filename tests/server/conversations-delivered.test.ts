// "Delivered" through the real server (issue 10): when a device of one participant acknowledges
// its high water, the other participant's sockets get `conversations.delivered` with the new
// mark — the highest high water of any of its devices — and nobody else hears of it; a refused
// ack pushes nothing and changes nothing; after a reconnect the mark is in `conversations.list`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationsDeliveredSchema, type ConversationsDelivered } from '@kolokol/shared';
import { expectRefusedUnchanged } from '../support/assertions.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  login,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import {
  envelopeBody,
  openTestConversation,
  sendMessage,
  sendPayload,
} from '../support/conversations.js';
import { addDevice, connectDevice, type TestDevice } from '../support/keys.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

/** Every `conversations.delivered` the socket receives from now on, parsed with shared's schema. */
function heard(socket: ClientSocket): ConversationsDelivered[] {
  const seen: ConversationsDelivered[] = [];
  socket.on('conversations.delivered', (event) => {
    seen.push(conversationsDeliveredSchema.parse(event));
  });
  return seen;
}

/**
 * A round trip on each socket: a push the server emitted before the answer arrives before it
 * (one connection, in order), so what a socket has not heard by then it was never sent.
 */
async function settle(...sockets: ClientSocket[]): Promise<void> {
  for (const socket of sockets) {
    const answer = await call(socket, 'session.whoami', {});
    if (!answer.ok) throw new Error(answer.error.code);
  }
}

async function ack(device: TestDevice, conversation: string, seq: number) {
  const answer = await call(device.socket, 'conversations.ack', { conversation, seq });
  if (!answer.ok) throw new Error(`conversations.ack failed: ${answer.error.code}`);
  return answer.data.ackedSeq;
}

async function listed(socket: ClientSocket, id: string) {
  const answer = await call(socket, 'conversations.list', {});
  if (!answer.ok) throw new Error(answer.error.code);
  return answer.data.conversations.find((conversation) => conversation.id === id);
}

/** A socket of the account that acts as no device (a session of its own, before linking). */
async function bareSocket(device: TestDevice): Promise<ClientSocket> {
  return connectWithToken(server.url, await login(server.url, device.account));
}

/** A second device of the account, on a session of its own. */
async function secondDevice(device: TestDevice): Promise<TestDevice> {
  const token = await login(server.url, device.account);
  return addDevice(server.url, { account: device.account, accountId: device.accountId, token });
}

describe('conversations.delivered', () => {
  it('reaches the sender after the recipient’s ack and not before; nobody else hears of it', async () => {
    const { id, staff, peer } = await openTestConversation(server, 'contact');
    // Everyone else who is connected: another moderator, another contact, the sender's account
    // on a socket without a device, the recipient's own sockets.
    const otherModerator = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    const otherContact = await addDevice(server.url, await registerAndLogin(server.url, 'other'));
    const senderBare = await bareSocket(staff);
    const recipientBare = await bareSocket(peer);
    const toSender = heard(staff.socket);
    const toSenderBare = heard(senderBare);
    const outsiders = [otherModerator.socket, otherContact.socket, peer.socket, recipientBare];
    const toOutsiders = outsiders.map(heard);

    for (let i = 0; i < 3; i += 1) await sendMessage(staff.socket, id, peer);
    await settle(staff.socket, senderBare, ...outsiders);
    expect(toSender).toEqual([]); // stored and pushed to the recipient: not yet delivered

    expect(await ack(peer, id, 2)).toBe(2);
    await settle(staff.socket, senderBare, ...outsiders);
    expect(toSender).toEqual([{ conversation: id, seq: 2 }]);
    expect(toSenderBare).toEqual([{ conversation: id, seq: 2 }]);

    // The same ack again, or an older one, raises nothing: no second push.
    expect(await ack(peer, id, 2)).toBe(2);
    expect(await ack(peer, id, 1)).toBe(2);
    expect(await ack(peer, id, 3)).toBe(3);
    await settle(staff.socket, senderBare, ...outsiders);
    expect(toSender).toEqual([
      { conversation: id, seq: 2 },
      { conversation: id, seq: 3 },
    ]);
    for (const seen of toOutsiders) expect(seen).toEqual([]);
  });

  it('is the highest high water of any device of the recipient', async () => {
    const { id, staff, peer } = await openTestConversation(server, 'volunteer');
    const peerTablet = await secondDevice(peer);
    const toSender = heard(staff.socket);
    for (let i = 0; i < 4; i += 1) {
      const sent = await call(staff.socket, 'conversations.send', {
        ...sendPayload(id, peer),
        envelopes: [peer, peerTablet].map((device) => ({
          device: device.deviceId,
          body: envelopeBody(),
        })),
      });
      expect(sent.ok).toBe(true);
    }
    await ack(peerTablet, id, 3); // the tablet read three: delivered up to 3
    await ack(peer, id, 2); // the phone is behind: the mark stays
    await settle(staff.socket);
    expect(toSender).toEqual([{ conversation: id, seq: 3 }]);
    await ack(peer, id, 4);
    await settle(staff.socket);
    expect(toSender).toEqual([
      { conversation: id, seq: 3 },
      { conversation: id, seq: 4 },
    ]);
    expect(await listed(staff.socket, id)).toMatchObject({ lastSeq: 4, delivered: 4 });
  });

  it('tells each side only about its own messages’ peer: the recipient’s list shows the sender’s acks', async () => {
    const { id, staff, peer } = await openTestConversation(server, 'contact');
    await sendMessage(staff.socket, id, peer); // 1, to the contact
    await sendMessage(peer.socket, id, staff); // 2, to the moderator
    const toContact = heard(peer.socket);
    const toModerator = heard(staff.socket);
    await ack(staff, id, 2); // the moderator's device stored the contact's message
    await settle(peer.socket, staff.socket);
    expect(toContact).toEqual([{ conversation: id, seq: 2 }]);
    expect(toModerator).toEqual([]);
    expect(await listed(peer.socket, id)).toMatchObject({ ackedSeq: 0, delivered: 2 });
    expect(await listed(staff.socket, id)).toMatchObject({ ackedSeq: 2, delivered: 0 });
  });

  it('refuses a bad ack with its error, pushes nothing and changes nothing', async () => {
    const { id, staff, peer } = await openTestConversation(server, 'contact');
    const foreign = await openTestConversation(server, 'volunteer');
    await sendMessage(staff.socket, id, peer);
    await sendMessage(foreign.staff.socket, foreign.id, foreign.peer);
    const toSender = heard(staff.socket);
    const toForeignSender = heard(foreign.staff.socket);
    // A sequence number beyond the conversation's newest.
    await expectRefusedUnchanged(
      server,
      () => call(peer.socket, 'conversations.ack', { conversation: id, seq: 2 }),
      'NOT_FOUND',
    );
    // Someone else's conversation, at a sequence number it has.
    await expectRefusedUnchanged(
      server,
      () => call(peer.socket, 'conversations.ack', { conversation: foreign.id, seq: 1 }),
      'NOT_FOUND',
    );
    await settle(staff.socket, foreign.staff.socket);
    expect(toSender).toEqual([]);
    expect(toForeignSender).toEqual([]);
    expect(await listed(staff.socket, id)).toMatchObject({ delivered: 0 });
    expect(await listed(foreign.staff.socket, foreign.id)).toMatchObject({ delivered: 0 });
  });

  it('is learned again after a reconnect from conversations.list', async () => {
    const { id, staff, peer } = await openTestConversation(server, 'contact');
    for (let i = 0; i < 3; i += 1) await sendMessage(staff.socket, id, peer);
    staff.socket.close(); // the sender is offline while the recipient acknowledges
    await ack(peer, id, 3);
    const again = await connectDevice(server.url, staff.token, staff.prekeys);
    expect(await listed(again, id)).toMatchObject({ lastSeq: 3, ackedSeq: 0, delivered: 3 });
    // A socket of the account that names no device sees the same mark (it is the account's).
    const bare = await bareSocket(staff);
    expect(await listed(bare, id)).toMatchObject({ delivered: 3 });
    // An outsider still cannot see the conversation at all.
    const outsider = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    expect(await listed(outsider.socket, id)).toBeUndefined();
  });
});
