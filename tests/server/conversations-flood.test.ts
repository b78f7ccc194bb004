// The flood (issue 6, then a moderator's mailbox; since issue 9 conversations): throwaway accounts
// try to fill what a moderator who is away has waiting, so that honest people cannot reach them.
// They cannot start a conversation with staff at all: staff start conversations with everyone
// else (ConversationService's `mayStart`). Where a moderator did start one with an account that
// then floods it, that conversation has its own backlog per recipient device
// (CONVERSATION_LIMITS.backlog), capped by envelopes and by bytes: refused with RATE_LIMITED,
// storing nothing, once it is full — and an honest contact and staff, in conversations of their
// own, still get through. The per-minute budget (conversations.test.ts) is raised here so that
// it is the backlog that stops the flood.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONVERSATION_LIMITS,
  MAX_ENVELOPE_BYTES,
  RATCHET_ENVELOPE_OVERHEAD,
  toBase64Url,
  type ErrorBody,
} from '@kolokol/shared';
import { randomBytes } from '@kolokol/shared/crypto';
import { newId } from '../../server/src/domain/secrets.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { call, closeAllSockets, registerAndLogin } from '../support/client.js';
import { addDevice, type TestDevice } from '../support/keys.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

/** More attempts than the byte cap allows of the largest envelope, so every loop ends on a refusal. */
const ATTEMPTS = 300;
const FLOODERS = 2;
/** Accounts that try to start a conversation with a moderator, contacts and volunteers in turn. */
const THROWAWAYS = 6;
/** The smallest envelope: a ratchet message of the 256 bucket. */
const SMALLEST = 256 + RATCHET_ENVELOPE_OVERHEAD;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ KOLOKOL_CONVERSATION_MESSAGES_PER_MINUTE: '100000' });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

const largest = toBase64Url(randomBytes(MAX_ENVELOPE_BYTES));
const smallest = toBase64Url(randomBytes(SMALLEST));

/** `from` opens its conversation with `to` (or finds the one staff started); its id. */
async function conversationWith(from: TestDevice, to: TestDevice): Promise<string> {
  const opened = await call(from.socket, 'conversations.open', { peer: to.accountId });
  if (!opened.ok) throw new Error(`conversations.open failed: ${opened.error.code}`);
  return opened.data.conversation.id;
}

/** One envelope of `body` for the recipient's one device. */
function send(from: TestDevice, conversation: string, to: TestDevice, body: string) {
  return call(from.socket, 'conversations.send', {
    conversation,
    clientId: newId(),
    envelopes: [{ device: to.deviceId, body }],
  });
}

/** Sends `body` until refused; how many were stored, and the refusal. */
async function sendUntilRefused(
  from: TestDevice,
  conversation: string,
  to: TestDevice,
  body: string,
): Promise<{ stored: number; refusal: ErrorBody }> {
  for (let stored = 0; stored < ATTEMPTS; stored += 1) {
    const ack = await send(from, conversation, to, body);
    if (!ack.ok) return { stored, refusal: ack.error };
  }
  throw new Error(`still accepted after ${ATTEMPTS} envelopes`);
}

/** What waits for the device in each conversation, as the database holds it. */
function waitingFor(device: TestDevice): Map<string, { envelopes: number; bytes: number }> {
  const db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[string], { conversation: string; envelopes: number; bytes: number }>(
        `SELECT conversation_id AS conversation, count(*) AS envelopes, sum(length(body)) AS bytes
         FROM conversation_envelopes WHERE device_id = ? GROUP BY conversation_id`,
      )
      .all(device.deviceId);
    return new Map(rows.map(({ conversation, ...held }) => [conversation, held]));
  } finally {
    db.close();
  }
}

describe('a moderator who is away, under a flood of throwaway accounts', () => {
  it('throwaway accounts cannot start a conversation with staff at all', async () => {
    const mod = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    for (let i = 0; i < THROWAWAYS; i += 1) {
      const throwaway = await addDevice(
        server.url,
        await registerAndLogin(server.url, 'throwaway', {
          role: i % 2 === 0 ? 'contact' : 'volunteer',
        }),
      );
      // The same answer as for an account that does not exist, and nothing stored.
      await expectRefusedUnchanged(
        server,
        () => call(throwaway.socket, 'conversations.open', { peer: mod.accountId }),
        'NOT_FOUND',
      );
    }
    expect(waitingFor(mod).size).toBe(0);
  });

  it('a conversation staff started is filled only up to its own backlog; an honest contact and staff still get through', async () => {
    const mod = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    const admin = await addDevice(server.url, await enrolStaff(server, 'admin'));
    const honest = await addDevice(server.url, await registerAndLogin(server.url, 'honest'));
    const flooders: TestDevice[] = [];
    for (let i = 0; i < FLOODERS; i += 1) {
      flooders.push(await addDevice(server.url, await registerAndLogin(server.url, 'throwaway')));
    }
    // The moderator started conversations (a question about a request, say) with the honest
    // contact and with accounts that then turn out to flood them; then goes away: nothing is
    // read, pushed or acknowledged.
    for (const peer of [honest, ...flooders]) await conversationWith(mod, peer);
    mod.socket.close();
    const cap = CONVERSATION_LIMITS.backlog;
    const perConversation = Math.floor(cap.bytes / MAX_ENVELOPE_BYTES);
    // With the largest envelopes it is the byte cap, not the count, that stops a flooder.
    expect(perConversation).toBeLessThan(cap.envelopes);

    const flooded: string[] = [];
    for (const flooder of flooders) {
      const conversation = await conversationWith(flooder, mod);
      flooded.push(conversation);
      const { stored, refusal } = await sendUntilRefused(flooder, conversation, mod, largest);
      expect(refusal.code).toBe('RATE_LIMITED');
      expect(stored).toBe(perConversation);
      // The refusal that stopped it changes nothing when repeated.
      await expectRefusedUnchanged(
        server,
        () => send(flooder, conversation, mod, largest),
        'RATE_LIMITED',
      );
      // What is left below the byte cap still takes an envelope that fits in it.
      expect(await send(flooder, conversation, mod, smallest)).toMatchObject({ ok: true });
    }

    const waiting = waitingFor(mod);
    for (const conversation of flooded) {
      const held = waiting.get(conversation)!;
      expect(held.envelopes).toBe(perConversation + 1);
      expect(held.bytes).toBe(perConversation * MAX_ENVELOPE_BYTES + SMALLEST);
      expect(held.bytes).toBeLessThanOrEqual(cap.bytes);
    }

    // The honest contact and the admin reach the moderator, each in a conversation of its own.
    for (const sender of [honest, admin]) {
      const conversation = await conversationWith(sender, mod);
      expect(flooded).not.toContain(conversation);
      expect(await send(sender, conversation, mod, largest)).toMatchObject({
        ok: true,
        data: { seq: 1 },
      });
    }
  }, 120_000);
});
