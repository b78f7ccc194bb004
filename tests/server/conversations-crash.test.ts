// Order and completeness across crashes (issue 9): many pairs exchange thousands of messages
// with the real server running as a child process (main.ts, as `npm start` runs it) on a real
// SQLite file, while it is killed with SIGKILL and restarted several times. Clients behave as
// the protocol asks: a send without an ack is resent with the same clientId until it is acked; a
// device fetches after its high water, stores, then acks. Afterwards every acked message was
// delivered exactly once, in order, each conversation's sequence has no gap and no repeat, and
// every message whose first attempt got no ack was resent to success and delivered once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, toBase64Url, type Ack } from '@kolokol/shared';
import { newId } from '../../server/src/domain/secrets.js';
import { connect, rawCall, registerAndLogin, type ClientSocket } from '../support/client.js';
import { envelopeBody } from '../support/conversations.js';
import { addDevice, type TestDevice } from '../support/keys.js';
import {
  dropProcessStore,
  enrolModeratorsInStore,
  GENEROUS_RELAY_LIMITS,
  processStoreEnv,
  registerEnrolled,
  startServerProcess,
  type ServerProcess,
} from '../support/server-process.js';

const PAIRS = 10;
/** Messages each side of each pair sends: 10 pairs × 2 sides × 150 = 3000. */
const MESSAGES_PER_SIDE = 150;
const KILLS = 4;
/** Time between a restart and the next kill: random in this range, so kills land mid-traffic. */
const KILL_EVERY_MS = [700, 1500] as const;
/** Every loop below ends by this deadline (the test fails instead of hanging). */
const RUN_BUDGET_MS = 150_000;
const CALL_TIMEOUT_MS = 3000;
/** A pause between one side's messages, so the traffic outlasts the kills whatever the load. */
const PACE_MS = 40;
/** Share of sends whose first ack the client treats as lost, and resends. */
const LOST_ACK_RATE = 0.05;

const LIMITS = {
  KOLOKOL_LOG_LEVEL: 'info',
  ...GENEROUS_RELAY_LIMITS,
  KOLOKOL_SHUTDOWN_GRACE_MS: '2000',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const deadline = Date.now() + RUN_BUDGET_MS;
function inTime(what: string): void {
  if (Date.now() > deadline) throw new Error(`out of time: ${what}`);
}

/** The server, replaced on each restart; clients always reach it at the same port. */
let server: ServerProcess | undefined;
let port = 0;
let dataDir = '';
const outputs: string[] = [];

/** One device's single socket, reopened whenever the server went away. */
class Connection {
  #socket: ClientSocket | undefined;
  #connecting: Promise<ClientSocket> | undefined;
  constructor(readonly device: TestDevice) {}

  /** The open socket, or one being opened: concurrent callers share one connection. */
  socket(onMessage: () => void): Promise<ClientSocket> {
    if (this.#socket?.connected) return Promise.resolve(this.#socket);
    this.#connecting ??= this.#open(onMessage).finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  async #open(onMessage: () => void): Promise<ClientSocket> {
    for (;;) {
      inTime('reconnect');
      if (this.#socket?.connected) return this.#socket;
      this.#socket?.close();
      this.#socket = undefined;
      try {
        const socket = await connect(`http://127.0.0.1:${port}`, {
          token: this.device.token,
          protocol: PROTOCOL_VERSION,
          device: {
            id: this.device.deviceId,
            signature: toBase64Url(this.device.prekeys.signSession(this.device.token)),
          },
        });
        socket.on('conversations.message', onMessage);
        this.#socket = socket;
        return socket;
      } catch {
        await sleep(100); // the server is restarting
      }
    }
  }

  close(): void {
    this.#socket?.close();
  }
}

/** A call that either answers or throws (timeout, disconnect) — never hangs. */
async function attempt(
  socket: ClientSocket,
  event: string,
  payload: unknown,
): Promise<Ack<unknown>> {
  const untyped = socket.timeout(CALL_TIMEOUT_MS) as unknown as {
    emitWithAck(event: string, payload: unknown): Promise<Ack<unknown>>;
  };
  return untyped.emitWithAck(event, payload);
}

interface Side {
  readonly connection: Connection;
  readonly peer: TestDevice;
  /** What this side sent: body → clientId, and each clientId's acked seq. */
  readonly sent: Map<string, { clientId: string; index: number }>;
  readonly acked: Map<string, number>;
  /** clientIds whose first attempt got no ack (a kill, a timeout), later resent. */
  readonly retried: Set<string>;
  /** What this side received, in the order it stored it: seq and body. */
  readonly received: { seq: number; body: string }[];
  /** Resends acked with another seq than the first ack (must stay 0). */
  mismatched: number;
  highWater: number;
  fetching: boolean;
  wanted: boolean;
}

function side(device: TestDevice, peer: TestDevice): Side {
  return {
    connection: new Connection(device),
    peer,
    sent: new Map(),
    acked: new Map(),
    retried: new Set(),
    received: [],
    mismatched: 0,
    highWater: 0,
    fetching: false,
    wanted: false,
  };
}

/** Fetches after the high water, stores in order, then acks: as a client must. */
async function drain(me: Side, conversation: string): Promise<void> {
  me.wanted = true;
  if (me.fetching) return;
  me.fetching = true;
  try {
    while (me.wanted) {
      me.wanted = false;
      inTime('drain');
      try {
        const socket = await me.connection.socket(() => void drain(me, conversation));
        const fetched = await attempt(socket, 'conversations.fetch', {
          conversation,
          after: me.highWater,
        });
        if (!fetched.ok) throw new Error(`fetch: ${fetched.error.code}`);
        const messages = (fetched.data as { messages: { seq: number; body: string }[] }).messages;
        for (const message of messages) {
          if (message.seq <= me.highWater) throw new Error('fetch went back below the high water');
          me.received.push({ seq: message.seq, body: message.body });
          me.highWater = message.seq;
        }
        if (messages.length > 0) {
          const acked = await attempt(socket, 'conversations.ack', {
            conversation,
            seq: me.highWater,
          });
          if (!acked.ok) throw new Error(`ack: ${acked.error.code}`);
          me.wanted = true; // there may be more than one page
        }
      } catch (error) {
        if (error instanceof Error && /went back|fetch:|ack:/.test(error.message)) throw error;
        me.wanted = true; // the server went away: try again once it is back
        await sleep(100);
      }
    }
  } finally {
    me.fetching = false;
  }
}

/** Sends MESSAGES_PER_SIDE messages one after another, each resent until acked. */
async function sendAll(me: Side, conversation: string): Promise<void> {
  for (let index = 0; index < MESSAGES_PER_SIDE; index += 1) {
    await sleep(PACE_MS);
    const clientId = newId();
    const body = envelopeBody();
    me.sent.set(body, { clientId, index });
    for (let tries = 0; ; tries += 1) {
      inTime('send');
      try {
        const socket = await me.connection.socket(() => void drain(me, conversation));
        const ack = await attempt(socket, 'conversations.send', {
          conversation,
          clientId,
          envelopes: [{ device: me.peer.deviceId, body }],
        });
        if (!ack.ok) throw new Error(`send refused: ${ack.error.code}`);
        const { seq } = ack.data as { seq: number };
        const first = me.acked.get(clientId);
        if (first !== undefined && first !== seq) me.mismatched += 1;
        me.acked.set(clientId, seq);
        // Some acks are "lost" on purpose after the message was stored: the resend must get
        // the same seq and store nothing (kills rarely land between commit and ack).
        if (first === undefined && Math.random() < LOST_ACK_RATE) {
          me.retried.add(clientId);
          continue;
        }
        break;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith('send refused')) throw error;
        me.retried.add(clientId);
        await sleep(50);
      }
    }
  }
}

async function restart(): Promise<void> {
  // SQLite under dataDir, or MongoDB when the run has MONGODB_URI (docs/deploy.md).
  server = await startServerProcess({ ...processStoreEnv(dataDir), ...LIMITS }, port);
  port = server.port;
}

afterAll(async () => {
  if (server) {
    outputs.push(server.output());
    await server.stop('SIGKILL');
  }
  if (dataDir) await dropProcessStore(dataDir);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('conversations across SIGKILL and restart', () => {
  it(
    'every acked message is delivered exactly once and in order; every unacked one was resent to success',
    async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'kolokol-crash-'));
      const moderators = await enrolModeratorsInStore(dataDir, PAIRS, processStoreEnv(dataDir));
      await restart();
      const url = `http://127.0.0.1:${port}`;
      const pairs = await Promise.all(
        moderators.map(async (moderator) => {
          const staff = await addDevice(url, await registerEnrolled(url, moderator));
          const contact = await addDevice(url, await registerAndLogin(url, 'crash'));
          const opened = await rawCall(staff.socket, 'conversations.open', {
            peer: contact.accountId,
          });
          const conversation = (opened as { data: { conversation: { id: string } } }).data
            .conversation.id;
          staff.socket.close();
          contact.socket.close();
          return { conversation, staff: side(staff, contact), contact: side(contact, staff) };
        }),
      );

      let sending = true;
      const traffic = Promise.all(
        pairs.flatMap((pair) => [
          sendAll(pair.staff, pair.conversation),
          sendAll(pair.contact, pair.conversation),
          drain(pair.staff, pair.conversation),
          drain(pair.contact, pair.conversation),
        ]),
      ).finally(() => (sending = false));

      let kills = 0;
      while (kills < KILLS && sending) {
        const [low, high] = KILL_EVERY_MS;
        await sleep(low + Math.random() * (high - low));
        if (!sending) break;
        outputs.push(server!.output());
        await server!.stop('SIGKILL');
        kills += 1;
        await restart();
      }
      await traffic;
      expect(kills).toBe(KILLS);

      // Let every device fetch what is left (bounded by the run's deadline).
      for (const pair of pairs) {
        for (const [me, other] of [
          [pair.staff, pair.contact],
          [pair.contact, pair.staff],
        ] as const) {
          while (me.received.length < other.acked.size) {
            await drain(me, pair.conversation);
            inTime('final fetch');
            await sleep(50);
          }
        }
      }

      let retried = 0;
      for (const pair of pairs) {
        const seqs: number[] = [];
        for (const [me, other] of [
          [pair.staff, pair.contact],
          [pair.contact, pair.staff],
        ] as const) {
          // Every message the other side sent was acked (retried to success), once.
          expect(other.acked.size).toBe(MESSAGES_PER_SIDE);
          expect(other.mismatched).toBe(0);
          retried += other.retried.size;
          // Delivered exactly once: each received body is a distinct message of the other side's...
          const bodies = me.received.map((message) => message.body);
          expect(new Set(bodies).size).toBe(bodies.length);
          expect(bodies.length).toBe(MESSAGES_PER_SIDE);
          // ...under the seq its ack named, and in the order it was sent.
          for (const message of me.received) {
            const sent = other.sent.get(message.body);
            expect(sent, 'a received body that was never sent').toBeDefined();
            expect(other.acked.get(sent!.clientId)).toBe(message.seq);
          }
          const order = me.received.map((message) => other.sent.get(message.body)!.index);
          expect(order).toEqual(Array.from({ length: MESSAGES_PER_SIDE }, (_, i) => i));
          seqs.push(...me.received.map((message) => message.seq));
        }
        // The conversation's sequence: 1..n with no gap and no repeat, both directions together.
        seqs.sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: 2 * MESSAGES_PER_SIDE }, (_, i) => i + 1));
      }
      // The kills and lost acks did interrupt sends (else the test proved nothing about retries).
      expect(retried).toBeGreaterThan(0);
      // The server's logs, across every restart, name no envelope, clientId or conversation.
      const logs = outputs.join('') + server!.output();
      expect(logs).toContain('kolokol listening');
      for (const pair of pairs) {
        expect(logs.includes(pair.conversation)).toBe(false);
        for (const [body, { clientId }] of [...pair.staff.sent, ...pair.contact.sent]) {
          if (logs.includes(body) || logs.includes(clientId))
            throw new Error('a message in the logs');
        }
      }
      for (const pair of pairs) {
        pair.staff.connection.close();
        pair.contact.connection.close();
      }
    },
    RUN_BUDGET_MS + 60_000,
  );
});
