// No plaintext on the server (issue 9): pairs talk through conversations with real end-to-end
// encryption from shared (PQXDH from fetched prekey bundles, then the Double Ratchet, padded to the
// buckets), both ways, some messages read and acknowledged, some left waiting. After the run, the
// SQLite file, its WAL and SHM, every row of every table and every log line the server wrote are
// searched for every plaintext sent: none is found — while the waiting ciphertext is still there
// and still decrypts, so the search looked where the messages were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, type Role } from '@kolokol/shared';
import {
  acceptSession,
  fromUtf8,
  initiateSession,
  utf8,
  type Session,
} from '@kolokol/shared/crypto';
import { newId } from '../../server/src/domain/secrets.js';
import { call, closeAllSockets, registerAndLogin } from '../support/client.js';
import { filesOnDisk } from '../support/disk.js';
import { addDevice, fetchBundle, publishPrekeys, type TestDevice } from '../support/keys.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

const MESSAGES_PER_SIDE = 12;

let server: TestServer;
beforeAll(async () => {
  // Debug logging: the most the server ever logs, every event included.
  server = await startTestServer({ KOLOKOL_LOG_LEVEL: 'debug' });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

/** Plaintexts a person might send: distinctive enough that any copy would be found. */
function plaintext(pair: number, from: string, index: number): string {
  const lines = [
    `Повестка пришла вчера, военкомат на Ленина ${pair}-${index}`,
    `Our safe address this week is flat ${pair}${index}, ring twice (${from})`,
    `Паспорт и билеты у сестры, звонить после 22:00 — ${from} ${pair}/${index}`,
  ];
  return lines[index % lines.length]!;
}

async function send(from: TestDevice, to: TestDevice, conversation: string, body: Uint8Array) {
  const ack = await call(from.socket, 'conversations.send', {
    conversation,
    clientId: newId(),
    envelopes: [{ device: to.deviceId, body: toBase64Url(body) }],
  });
  if (!ack.ok) throw new Error(`send failed: ${ack.error.code}`);
  return ack.data.seq;
}

async function fetchAll(device: TestDevice, conversation: string, after: number) {
  const fetched = await call(device.socket, 'conversations.fetch', { conversation, after });
  if (!fetched.ok) throw new Error(fetched.error.code);
  return fetched.data.messages.map((m) => ({ seq: m.seq, body: fromBase64Url(m.body)! }));
}

describe('no plaintext reaches the server', () => {
  it('after encrypted conversations, the DB, WAL, SHM, rows and logs hold none of what was said', async () => {
    const sent: string[] = [];
    const waiting: { device: TestDevice; conversation: string }[] = [];
    const peers: Exclude<Role, 'moderator' | 'admin'>[] = ['contact', 'volunteer', 'contact'];
    for (const [pair, role] of peers.entries()) {
      const staff = await addDevice(
        server.url,
        await enrolStaff(server, pair === 2 ? 'admin' : 'moderator'),
      );
      const peer = await addDevice(server.url, await registerAndLogin(server.url, role, { role }));
      await publishPrekeys(peer, 3, 1);
      await publishPrekeys(staff, 3, 1);
      const opened = await call(staff.socket, 'conversations.open', { peer: peer.accountId });
      if (!opened.ok) throw new Error(opened.error.code);
      const conversation = opened.data.conversation.id;

      // The staff member starts the session from the peer's bundle (PQXDH), then both talk.
      const bundle = await fetchBundle(staff.socket, peer.accountId);
      const staffSession = initiateSession(
        staff.account.identity,
        bundle,
        bundle.identity,
        bundle.devices,
      );
      let peerSession: Session | undefined;
      let peerHigh = 0;
      let staffHigh = 0;
      for (let index = 0; index < MESSAGES_PER_SIDE; index += 1) {
        const outgoing = plaintext(pair, 'staff', index);
        sent.push(outgoing);
        await send(staff, peer, conversation, staffSession.encrypt(utf8(outgoing), Date.now()));
        for (const message of await fetchAll(peer, conversation, peerHigh)) {
          if (peerSession === undefined) {
            const accepted = acceptSession(
              peer.account.identity,
              peer.prekeys,
              message.body,
              Date.now(),
            );
            peerSession = accepted.session;
            expect(fromUtf8(accepted.plaintext)).toBe(outgoing);
          } else {
            expect(fromUtf8(peerSession.decrypt(message.body, Date.now()))).toBe(outgoing);
          }
          peerHigh = message.seq;
        }
        await call(peer.socket, 'conversations.ack', { conversation, seq: peerHigh });

        const answer = plaintext(pair, role, index);
        sent.push(answer);
        await send(peer, staff, conversation, peerSession!.encrypt(utf8(answer), Date.now()));
        // The staff side reads but acknowledges only the first half: the rest stays waiting.
        for (const message of await fetchAll(staff, conversation, staffHigh)) {
          expect(fromUtf8(staffSession.decrypt(message.body, Date.now()))).toBe(answer);
          staffHigh = message.seq;
        }
        if (index < MESSAGES_PER_SIDE / 2) {
          await call(staff.socket, 'conversations.ack', { conversation, seq: staffHigh });
        }
      }
      waiting.push({ device: staff, conversation });
    }

    // Searched as someone who seized the host would: raw files, every row, every log line.
    const disk = await filesOnDisk(server.dbFile);
    const rows = JSON.stringify(server.snapshot());
    const logs = server.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const text of sent) {
      const bytes = Buffer.from(text, 'utf8');
      expect(disk.includes(bytes), text).toBe(false);
      expect(rows.includes(text), text).toBe(false);
      expect(rows.includes(toBase64Url(bytes)), text).toBe(false);
      expect(logs.includes(text), text).toBe(false);
    }
    // A distinctive part of each, too (a plaintext split across pages would still show one).
    for (const word of ['Повестка', 'военкомат', 'safe address', 'Паспорт']) {
      expect(disk.includes(Buffer.from(word, 'utf8')), word).toBe(false);
      expect(logs.includes(word), word).toBe(false);
    }

    // The search looked where the messages are: the unacknowledged envelopes are on disk.
    for (const { device, conversation } of waiting) {
      const still = await server.store.conversations.fetchEnvelopes(conversation, device.deviceId, {
        after: 0,
        sentAfter: 0,
        limit: 100,
      });
      expect(still.length).toBe(MESSAGES_PER_SIDE / 2);
      // Read again when one is missing: the WAL scrubber may have moved pages from the -wal file
      // into the database between the reads of the two files (a race of the search, not a loss).
      let files = disk;
      for (let attempt = 0; attempt < 10; attempt += 1) {
        if (still.every((envelope) => files.includes(Buffer.from(envelope.body)))) break;
        await new Promise((resolve) => setTimeout(resolve, 300));
        files = await filesOnDisk(server.dbFile);
      }
      for (const envelope of still) expect(files.includes(Buffer.from(envelope.body))).toBe(true);
    }
  });
});
