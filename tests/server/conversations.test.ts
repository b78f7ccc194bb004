// Conversations through the real server (issue 9): who may open one, the gapless sequence and
// its `{ seq }` ack, idempotent retries, per-device high-water acks and fetches, close and the
// timer — and every bad input with its error and nothing changed in the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTACT_CONVERSATION_TTL_SECONDS,
  CONVERSATION_LIMITS,
  DEFAULT_CONVERSATION_TTL_SECONDS,
  MAX_ENVELOPE_BYTES,
  PREKEY_ENVELOPE_OVERHEAD,
  conversationMessageSchema,
  toBase64Url,
  type ConversationMessageWire,
} from '@kolokol/shared';
import { randomBytes } from '@kolokol/shared/crypto';
import { newId } from '../../server/src/domain/secrets.js';
import { expectRefusedUnchanged, expectUnchanged } from '../support/assertions.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  login,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import {
  envelopeBody,
  openTestConversation,
  sendMessage,
  sendPayload,
  type TestConversation,
} from '../support/conversations.js';
import { addDevice, connectDevice } from '../support/keys.js';
import { startTestServer, testServers, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

let server: TestServer;
const servers = testServers();
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  closeAllSockets();
  await servers.closeAll();
  await server.close();
});

/** The next `count` message pushes on `socket`, parsed with shared's schema. */
function pushes(socket: ClientSocket, count: number): Promise<ConversationMessageWire[]> {
  const seen: ConversationMessageWire[] = [];
  return new Promise((resolve) => {
    const onMessage = (message: ConversationMessageWire) => {
      conversationMessageSchema.parse(message);
      seen.push(message);
      if (seen.length === count) {
        socket.off('conversations.message', onMessage);
        resolve(seen);
      }
    };
    socket.on('conversations.message', onMessage);
  });
}

async function fetchAfter(socket: ClientSocket, conversation: string, after: number) {
  const fetched = await call(socket, 'conversations.fetch', { conversation, after });
  if (!fetched.ok) throw new Error(fetched.error.code);
  return fetched.data.messages;
}

describe('opening a conversation', () => {
  it('staff with anyone; the same open conversation again; a week by default with a contact', async () => {
    const { id, staff, peer } = await openTestConversation(server, 'contact');
    const again = await call(peer.socket, 'conversations.open', { peer: staff.accountId });
    expect(again).toMatchObject({
      ok: true,
      data: {
        conversation: {
          id,
          peer: staff.accountId,
          ttlSeconds: CONTACT_CONVERSATION_TTL_SECONDS,
          lastSeq: 0,
          closedAt: null,
        },
      },
    });
    const listed = await call(peer.socket, 'conversations.list', {});
    expect(listed).toMatchObject({ ok: true, data: { conversations: [{ id, ackedSeq: 0 }] } });
  });

  it('staff with a volunteer: four weeks by default, or the timer the opener chose', async () => {
    const volunteer = await addDevice(
      server.url,
      await registerAndLogin(server.url, 'vol', { role: 'volunteer' }),
    );
    const moderator = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    const admin = await addDevice(server.url, await enrolStaff(server, 'admin'));
    const byDefault = await call(moderator.socket, 'conversations.open', {
      peer: volunteer.accountId,
    });
    expect(byDefault).toMatchObject({
      ok: true,
      data: { conversation: { ttlSeconds: DEFAULT_CONVERSATION_TTL_SECONDS } },
    });
    const chosen = await call(admin.socket, 'conversations.open', {
      peer: volunteer.accountId,
      ttlSeconds: 3600,
    });
    expect(chosen).toMatchObject({ ok: true, data: { conversation: { ttlSeconds: 3600 } } });
  });

  it('refuses a contact with a volunteer, an unknown account and oneself alike, storing nothing', async () => {
    const contact = await addDevice(server.url, await registerAndLogin(server.url, 'c'));
    const volunteer = await registerAndLogin(server.url, 'v', { role: 'volunteer' });
    for (const peer of [volunteer.accountId, newId(), contact.accountId]) {
      await expectRefusedUnchanged(
        server,
        () => call(contact.socket, 'conversations.open', { peer }),
        'NOT_FOUND',
      );
    }
    await expectRefusedUnchanged(
      server,
      () => rawCall(contact.socket, 'conversations.open', { peer: newId(), ttlSeconds: 60 }),
      'BAD_REQUEST',
    );
  });
});

describe('sending, fetching and acknowledging', () => {
  let talk: TestConversation;
  beforeAll(async () => {
    talk = await openTestConversation(server, 'contact');
  });

  it('acks { seq } in a gapless sequence after storing, and pushes each envelope to its device', async () => {
    const arriving = pushes(talk.peer.socket, 3);
    const bodies = [envelopeBody(), envelopeBody(1024), envelopeBody(65536)];
    const acks = [];
    for (const body of bodies)
      acks.push(await sendMessage(talk.staff.socket, talk.id, talk.peer, { body }));
    expect(acks.map((ack) => ack.seq)).toEqual([1, 2, 3]);
    const pushed = await arriving;
    expect(pushed.map((m) => [m.seq, m.body, m.from, m.fromDevice])).toEqual(
      bodies.map((body, index) => [index + 1, body, talk.staff.accountId, talk.staff.deviceId]),
    );
    // Stored before the ack: the rows are there once it arrived.
    expect(server.snapshot().conversation_envelopes).toHaveLength(3);
    // The other side answers in the same sequence.
    const reply = await sendMessage(talk.peer.socket, talk.id, talk.staff);
    expect(reply.seq).toBe(4);
  });

  it('a retry with the same clientId returns the first ack and stores nothing', async () => {
    const clientId = newId();
    const first = await sendMessage(talk.staff.socket, talk.id, talk.peer, { clientId });
    const retried = await expectUnchanged(server, () =>
      call(talk.staff.socket, 'conversations.send', sendPayload(talk.id, talk.peer, { clientId })),
    );
    expect(retried).toEqual({ ok: true, data: first });
  });

  it('fetches after the high water; acks delete; an older ack and an unknown seq change nothing', async () => {
    const { staff, peer, id } = await openTestConversation(server, 'volunteer');
    for (let i = 0; i < 5; i += 1) await sendMessage(staff.socket, id, peer);
    expect((await fetchAfter(peer.socket, id, 0)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await fetchAfter(peer.socket, id, 3)).map((m) => m.seq)).toEqual([4, 5]);
    const limited = await call(peer.socket, 'conversations.fetch', {
      conversation: id,
      after: 0,
      limit: 2,
    });
    expect(limited.ok && limited.data.messages.map((m) => m.seq)).toEqual([1, 2]);

    expect(await call(peer.socket, 'conversations.ack', { conversation: id, seq: 3 })).toEqual({
      ok: true,
      data: { ackedSeq: 3 },
    });
    expect((await fetchAfter(peer.socket, id, 0)).map((m) => m.seq)).toEqual([4, 5]);

    // Out of order: an ack below the high water is answered with it, and changes nothing.
    const older = await expectUnchanged(server, () =>
      call(peer.socket, 'conversations.ack', { conversation: id, seq: 2 }),
    );
    expect(older).toEqual({ ok: true, data: { ackedSeq: 3 } });
    // A sequence number that does not exist yet.
    await expectRefusedUnchanged(
      server,
      () => call(peer.socket, 'conversations.ack', { conversation: id, seq: 6 }),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => rawCall(peer.socket, 'conversations.ack', { conversation: id, seq: 0 }),
      'BAD_REQUEST',
    );
    const listed = await call(peer.socket, 'conversations.list', {});
    expect(listed.ok && listed.data.conversations.find((c) => c.id === id)).toMatchObject({
      lastSeq: 5,
      ackedSeq: 3,
    });
    await call(peer.socket, 'conversations.ack', { conversation: id, seq: 5 });
    expect(await fetchAfter(peer.socket, id, 0)).toEqual([]);
    // The ciphertext is gone; the message rows (sender, seq, time, clientId) stay for retries.
    const rows = server.snapshot();
    expect(rows.conversation_envelopes?.filter((row) => String(row).includes(id))).toEqual([]);
    expect(rows.conversation_messages?.filter((row) => String(row).includes(id))).toHaveLength(5);
  });

  it('refuses a foreign conversation to an outsider: send, fetch, ack, close, timer, all NOT_FOUND', async () => {
    const outsider = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    const payloads: [string, unknown][] = [
      ['conversations.send', sendPayload(talk.id, talk.peer)],
      ['conversations.fetch', { conversation: talk.id, after: 0 }],
      ['conversations.ack', { conversation: talk.id, seq: 1 }],
      ['conversations.close', { conversation: talk.id }],
      ['conversations.set_timer', { conversation: talk.id, ttlSeconds: 7200 }],
    ];
    for (const [event, payload] of payloads) {
      await expectRefusedUnchanged(
        server,
        () => rawCall(outsider.socket, event, payload),
        'NOT_FOUND',
      );
    }
  });

  it('refuses envelopes that are not padded sizes, oversized, or not exactly the peer’s devices', async () => {
    const { staff, peer, id } = await openTestConversation(server, 'contact');
    const send = (envelopes: unknown) =>
      rawCall(staff.socket, 'conversations.send', {
        conversation: id,
        clientId: newId(),
        envelopes,
      });
    const bytes = (length: number) => toBase64Url(randomBytes(length));
    await expectRefusedUnchanged(
      server,
      () => send([{ device: peer.deviceId, body: bytes(300) }]),
      'BAD_REQUEST',
    );
    await expectRefusedUnchanged(
      server,
      () => send([{ device: peer.deviceId, body: bytes(MAX_ENVELOPE_BYTES + 1) }]),
      'PAYLOAD_TOO_LARGE',
    );
    // The largest envelope is accepted: a prekey message carrying 64 KiB.
    expect(MAX_ENVELOPE_BYTES).toBe(65536 + PREKEY_ENVELOPE_OVERHEAD);
    const anotherDevice = async () =>
      addDevice(server.url, { ...peer, token: await login(server.url, peer.account) });
    const second = await anotherDevice();
    await expectRefusedUnchanged(
      server,
      () => send([{ device: peer.deviceId, body: envelopeBody() }]),
      'DEVICE_LIST_CHANGED',
    );
    await expectRefusedUnchanged(
      server,
      () =>
        send([
          { device: peer.deviceId, body: envelopeBody() },
          { device: peer.deviceId, body: envelopeBody() },
        ]),
      'DEVICE_LIST_CHANGED',
    );
    await expectRefusedUnchanged(
      server,
      () =>
        send([
          { device: peer.deviceId, body: envelopeBody() },
          { device: newId(), body: envelopeBody() },
        ]),
      'DEVICE_LIST_CHANGED',
    );
    const both = await send([
      { device: peer.deviceId, body: bytes(65536 + PREKEY_ENVELOPE_OVERHEAD) },
      { device: second.deviceId, body: envelopeBody() },
    ]);
    expect(both).toMatchObject({ ok: true, data: { seq: 1 } });
    // More envelope bytes in one send than CONVERSATION_LIMITS.sendBytes (each a valid size, the
    // whole still within the event's payload limit): refused whole, before devices are looked at.
    const sizes = [66902, 66902, 66902, 17750, 17750, 17750, 2390];
    const total = sizes.reduce((sum, size) => sum + size, 0);
    expect(total).toBeGreaterThan(CONVERSATION_LIMITS.sendBytes);
    await expectRefusedUnchanged(
      server,
      () => send(sizes.map((size) => ({ device: newId(), body: bytes(size) }))),
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('needs a device socket to send, fetch or ack', async () => {
    // Covered per role by the authorisation matrix; here the refusal stores nothing.
    const { staff, id, peer } = await openTestConversation(server, 'contact');
    staff.socket.close();
    const bare = await connectWithToken(server.url, await login(server.url, staff.account));
    await expectRefusedUnchanged(
      server,
      () => call(bare, 'conversations.send', sendPayload(id, peer)),
      'FORBIDDEN',
    );
  });
});

describe('closing and the timer', () => {
  it('either side closes; sending into a closed conversation is CONFLICT; what waits stays readable', async () => {
    const { staff, peer, id } = await openTestConversation(server, 'contact');
    await sendMessage(staff.socket, id, peer);
    const closing = new Promise((resolve) => staff.socket.once('conversations.changed', resolve));
    const closed = await call(peer.socket, 'conversations.close', { conversation: id });
    expect(closed).toMatchObject({ ok: true, data: { conversation: { id } } });
    expect(closed.ok && typeof closed.data.conversation.closedAt).toBe('number');
    expect(await closing).toMatchObject({ conversation: { id, peer: peer.accountId } });
    for (const [socket, to] of [
      [staff.socket, peer],
      [peer.socket, staff],
    ] as const) {
      await expectRefusedUnchanged(
        server,
        () => call(socket, 'conversations.send', sendPayload(id, to)),
        'CONFLICT',
      );
    }
    await expectRefusedUnchanged(
      server,
      () => call(staff.socket, 'conversations.set_timer', { conversation: id, ttlSeconds: 7200 }),
      'CONFLICT',
    );
    // Closing again changes nothing; the waiting message can still be fetched and acknowledged.
    await expectUnchanged(server, () =>
      call(staff.socket, 'conversations.close', { conversation: id }),
    );
    expect((await fetchAfter(peer.socket, id, 0)).map((m) => m.seq)).toEqual([1]);
    // A new conversation between the two can be opened.
    const reopened = await call(staff.socket, 'conversations.open', { peer: peer.accountId });
    expect(reopened.ok && reopened.data.conversation.id).not.toBe(id);
  });

  it('either side sets the timer within 1 hour … 4 weeks', async () => {
    const { staff, peer, id } = await openTestConversation(server, 'contact');
    expect(
      await call(peer.socket, 'conversations.set_timer', { conversation: id, ttlSeconds: 3600 }),
    ).toMatchObject({ ok: true, data: { conversation: { ttlSeconds: 3600 } } });
    for (const ttlSeconds of [3599, 28 * 24 * 3600 + 1]) {
      await expectRefusedUnchanged(
        server,
        () => rawCall(staff.socket, 'conversations.set_timer', { conversation: id, ttlSeconds }),
        'BAD_REQUEST',
      );
    }
  });
});

describe('limits', () => {
  it('messages per minute per account: past the budget RATE_LIMITED, nothing stored, a retry still answered', async () => {
    const limited = await servers.start({ KOLOKOL_CONVERSATION_MESSAGES_PER_MINUTE: '5' });
    const { staff, peer, id } = await openTestConversation(limited, 'contact');
    const clientId = newId();
    const first = await sendMessage(staff.socket, id, peer, { clientId });
    for (let i = 0; i < 4; i += 1) await sendMessage(staff.socket, id, peer);
    await expectRefusedUnchanged(
      limited,
      () => call(staff.socket, 'conversations.send', sendPayload(id, peer)),
      'RATE_LIMITED',
    );
    const retried = await expectUnchanged(limited, () =>
      call(staff.socket, 'conversations.send', sendPayload(id, peer, { clientId })),
    );
    expect(retried).toEqual({ ok: true, data: first });
    // The budget is the account's: the peer still has its own.
    expect((await sendMessage(peer.socket, id, staff)).seq).toBe(6);
  });

  it('a recipient device that never reads: its backlog stops at the cap until it acks', async () => {
    const { staff, peer, id } = await openTestConversation(server, 'contact');
    peer.socket.close();
    const cap = CONVERSATION_LIMITS.backlog.envelopes;
    const window = 50;
    for (let sent = 0; sent < cap; sent += window) {
      await Promise.all(
        Array.from({ length: Math.min(window, cap - sent) }, () =>
          sendMessage(staff.socket, id, peer),
        ),
      );
    }
    await expectRefusedUnchanged(
      server,
      () => call(staff.socket, 'conversations.send', sendPayload(id, peer)),
      'RATE_LIMITED',
    );
    // The recipient comes back and acknowledges; there is room again, and the sequence has no gap.
    const back = await connectDevice(server.url, peer.token, peer.prekeys);
    expect(await call(back, 'conversations.ack', { conversation: id, seq: cap })).toEqual({
      ok: true,
      data: { ackedSeq: cap },
    });
    expect((await sendMessage(staff.socket, id, peer)).seq).toBe(cap + 1);
  });
});
