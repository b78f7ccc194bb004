// Several server processes as one deployment (issue 11): Debian's redis-server on a loopback
// port and three real server processes (main.ts, as `npm start` runs it) sharing one SQLite file
// and Redis. The two ends of each conversation sit on different processes; delivery is shown
// exactly once and in order while one process is SIGKILLed mid-traffic and its clients reconnect
// to another. A socket-count limit, a rate limit and "log out everywhere" hold across processes,
// and while Redis is down the limits fail closed (UNAVAILABLE), then recover when it returns.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, toBase64Url, type Ack, type ErrorBody } from '@kolokol/shared';
import { newId } from '../../server/src/domain/secrets.js';
import {
  connect,
  connectWithToken,
  post,
  rawCall,
  registerAndLogin,
  revokedReason,
  waitForDisconnect,
  type ClientSocket,
} from '../support/client.js';
import { envelopeBody } from '../support/conversations.js';
import { addDevice, publishPrekeys, type LoggedIn, type TestDevice } from '../support/keys.js';
import {
  REDIS_MISSING,
  redisSuite,
  startRedisServer,
  type RedisServer,
} from '../support/redis-server.js';
import {
  enrolModeratorsInStore,
  GENEROUS_RELAY_LIMITS,
  registerEnrolled,
  startServerProcess,
  type ServerProcess,
} from '../support/server-process.js';

const PROCESSES = 3;
const PAIRS = 6;
const MESSAGES_PER_SIDE = 60;
/** A pause between one side's messages, so the traffic outlasts the kill whatever the load. */
const PACE_MS = 40;
/** The kill lands this long after the traffic starts. */
const KILL_AFTER_MS = 1000;
const CALL_TIMEOUT_MS = 3000;
/** Every loop below ends by this deadline (the test fails instead of hanging). */
const RUN_BUDGET_MS = 120_000;
/** Revocations must arrive through Redis, not through the periodic store recheck (an hour here). */
const RECHECK_SECONDS = '3600';
const MAX_SOCKETS = 5;
const FETCHES_PER_PAIR = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(REDIS_MISSING !== undefined)(
  redisSuite('three server processes sharing Redis and one SQLite file'),
  () => {
    let redis: RedisServer;
    let dataDir = '';
    const servers: (ServerProcess | undefined)[] = [];
    const outputs: string[] = [];
    let moderators: Awaited<ReturnType<typeof enrolModeratorsInStore>> = [];

    const processEnv = () => ({
      KOLOKOL_DATA_DIR: dataDir,
      REDIS_URL: redis.url,
      ...GENEROUS_RELAY_LIMITS,
      KOLOKOL_SHUTDOWN_GRACE_MS: '2000',
      KOLOKOL_SESSION_RECHECK_SECONDS: RECHECK_SECONDS,
      KOLOKOL_MAX_SOCKETS_PER_ACCOUNT: String(MAX_SOCKETS),
      KOLOKOL_PREKEY_FETCHES_PER_PAIR_PER_HOUR: String(FETCHES_PER_PAIR),
    });

    const urlOf = (index: number) => {
      const server = servers[index];
      if (server === undefined) throw new Error(`process ${index} is not running`);
      return server.url;
    };

    beforeAll(async () => {
      redis = await startRedisServer();
      dataDir = await mkdtemp(path.join(tmpdir(), 'kolokol-scale-'));
      moderators = await enrolModeratorsInStore(dataDir, PAIRS + 3);
      // All three at once on the same file: WAL, migrations and housekeeping must tolerate it.
      servers.push(
        ...(await Promise.all(
          Array.from({ length: PROCESSES }, () => startServerProcess(processEnv())),
        )),
      );
      for (const server of servers) expect(server!.output()).toContain('"shared":"redis"');
    }, 90_000);

    afterAll(async () => {
      for (const server of servers) {
        if (server === undefined) continue;
        outputs.push(server.output());
        await server.stop('SIGKILL');
      }
      await redis?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    /** A moderator (may open conversations) on process `staffAt`, a contact on `contactAt`. */
    async function pairOn(
      index: number,
      staffAt: number,
      contactAt: number,
    ): Promise<{ conversation: string; staff: TestDevice; contact: TestDevice }> {
      const staff = await addDevice(
        urlOf(staffAt),
        await registerEnrolled(urlOf(staffAt), moderators[index]!),
      );
      const contact = await addDevice(
        urlOf(contactAt),
        await registerAndLogin(urlOf(contactAt), 'scale'),
      );
      const opened = (await rawCall(staff.socket, 'conversations.open', {
        peer: contact.accountId,
      })) as Ack<{ conversation: { id: string } }>;
      if (!opened.ok) throw new Error(`open: ${opened.error.code}`);
      return { conversation: opened.data.conversation.id, staff, contact };
    }

    it(
      'delivers across processes exactly once and in order while one process is killed and its clients move',
      async () => {
        const deadline = Date.now() + RUN_BUDGET_MS;
        const inTime = (what: string) => {
          if (Date.now() > deadline) throw new Error(`out of time: ${what}`);
        };
        // Pair i: staff on process i % 3, contact on the next one, so every message crosses.
        const pairs = await Promise.all(
          Array.from({ length: PAIRS }, async (_, i) => {
            const made = await pairOn(i, i % PROCESSES, (i + 1) % PROCESSES);
            made.staff.socket.close();
            made.contact.socket.close();
            return {
              conversation: made.conversation,
              staff: side(made.staff, made.contact, i % PROCESSES),
              contact: side(made.contact, made.staff, (i + 1) % PROCESSES),
            };
          }),
        );

        /** One device's socket; after its process dies it reconnects to the next live one. */
        interface Side {
          readonly device: TestDevice;
          readonly peer: TestDevice;
          home: number;
          socket: ClientSocket | undefined;
          connecting: Promise<ClientSocket> | undefined;
          readonly sent: Map<string, { clientId: string; index: number }>;
          readonly acked: Map<string, number>;
          readonly received: { seq: number; body: string }[];
          /** `conversations.message` pushes: each came from a sender on another process. */
          pushes: number;
          highWater: number;
          fetching: boolean;
          wanted: boolean;
        }
        function side(device: TestDevice, peer: TestDevice, home: number): Side {
          return {
            device,
            peer,
            home,
            socket: undefined,
            connecting: undefined,
            sent: new Map(),
            acked: new Map(),
            received: [],
            pushes: 0,
            highWater: 0,
            fetching: false,
            wanted: false,
          };
        }

        async function socketOf(me: Side, conversation: string): Promise<ClientSocket> {
          if (me.socket?.connected) return me.socket;
          me.connecting ??= (async () => {
            for (;;) {
              inTime('reconnect');
              me.socket?.close();
              me.socket = undefined;
              if (servers[me.home] === undefined) me.home = (me.home + 1) % PROCESSES;
              try {
                const socket = await connect(urlOf(me.home), {
                  token: me.device.token,
                  protocol: PROTOCOL_VERSION,
                  device: {
                    id: me.device.deviceId,
                    signature: toBase64Url(me.device.prekeys.signSession(me.device.token)),
                  },
                });
                socket.on('conversations.message', () => {
                  me.pushes += 1;
                  void drain(me, conversation);
                });
                me.socket = socket;
                // Catch up from the high water: the store's sequence is the truth, not the pushes.
                void drain(me, conversation);
                return socket;
              } catch {
                await sleep(100);
              }
            }
          })().finally(() => (me.connecting = undefined));
          return me.connecting;
        }

        async function attempt(me: Side, conversation: string, event: string, payload: unknown) {
          const socket = await socketOf(me, conversation);
          const untyped = socket.timeout(CALL_TIMEOUT_MS) as unknown as {
            emitWithAck(event: string, payload: unknown): Promise<Ack<unknown>>;
          };
          return untyped.emitWithAck(event, payload);
        }

        async function drain(me: Side, conversation: string): Promise<void> {
          me.wanted = true;
          if (me.fetching) return;
          me.fetching = true;
          try {
            while (me.wanted) {
              me.wanted = false;
              inTime('drain');
              try {
                const fetched = await attempt(me, conversation, 'conversations.fetch', {
                  conversation,
                  after: me.highWater,
                });
                if (!fetched.ok) throw new Error(`fetch: ${fetched.error.code}`);
                const { messages } = fetched.data as { messages: { seq: number; body: string }[] };
                for (const message of messages) {
                  if (message.seq <= me.highWater) throw new Error('fetch went back');
                  me.received.push(message);
                  me.highWater = message.seq;
                }
                if (messages.length > 0) {
                  const acked = await attempt(me, conversation, 'conversations.ack', {
                    conversation,
                    seq: me.highWater,
                  });
                  if (!acked.ok) throw new Error(`ack: ${acked.error.code}`);
                  me.wanted = true;
                }
              } catch (error) {
                if (error instanceof Error && /went back|fetch:|ack:/.test(error.message))
                  throw error;
                me.wanted = true; // its process went away: again once reconnected
                await sleep(100);
              }
            }
          } finally {
            me.fetching = false;
          }
        }

        async function sendAll(me: Side, conversation: string): Promise<void> {
          for (let index = 0; index < MESSAGES_PER_SIDE; index += 1) {
            await sleep(PACE_MS);
            const clientId = newId();
            const body = envelopeBody();
            me.sent.set(body, { clientId, index });
            for (;;) {
              inTime('send');
              try {
                const ack = await attempt(me, conversation, 'conversations.send', {
                  conversation,
                  clientId,
                  envelopes: [{ device: me.peer.deviceId, body }],
                });
                if (!ack.ok) throw new Error(`send refused: ${ack.error.code}`);
                const { seq } = ack.data as { seq: number };
                const first = me.acked.get(clientId);
                if (first !== undefined && first !== seq)
                  throw new Error('a resend got another seq');
                me.acked.set(clientId, seq);
                break;
              } catch (error) {
                if (error instanceof Error && /refused|another seq/.test(error.message))
                  throw error;
                await sleep(50); // no ack: resend the same clientId
              }
            }
          }
        }

        const sides = pairs.flatMap((pair) => [pair.staff, pair.contact]);
        await Promise.all(
          pairs.flatMap((pair) => [
            socketOf(pair.staff, pair.conversation),
            socketOf(pair.contact, pair.conversation),
          ]),
        );
        const traffic = Promise.all(
          pairs.flatMap((pair) => [
            sendAll(pair.staff, pair.conversation),
            sendAll(pair.contact, pair.conversation),
          ]),
        );
        await sleep(KILL_AFTER_MS);
        // Pushes crossed processes before the kill: the adapter carries delivery.
        const pushedBeforeKill = sides.reduce((sum, me) => sum + me.pushes, 0);
        const victim = 2;
        const movedSides = sides.filter((me) => me.home === victim);
        outputs.push(servers[victim]!.output());
        await servers[victim]!.stop('SIGKILL');
        servers[victim] = undefined;
        await traffic;

        for (const pair of pairs) {
          for (const [me, other] of [
            [pair.staff, pair.contact],
            [pair.contact, pair.staff],
          ] as const) {
            while (me.received.length < other.acked.size) {
              inTime('final fetch');
              await drain(me, pair.conversation);
              await sleep(50);
            }
          }
        }

        expect(pushedBeforeKill).toBeGreaterThan(0);
        expect(movedSides.length).toBeGreaterThan(0);
        for (const me of movedSides) expect(me.home).not.toBe(victim);
        for (const pair of pairs) {
          const seqs: number[] = [];
          for (const [me, other] of [
            [pair.staff, pair.contact],
            [pair.contact, pair.staff],
          ] as const) {
            expect(other.acked.size).toBe(MESSAGES_PER_SIDE);
            const bodies = me.received.map((message) => message.body);
            // Exactly once...
            expect(new Set(bodies).size).toBe(MESSAGES_PER_SIDE);
            expect(bodies.length).toBe(MESSAGES_PER_SIDE);
            // ...under the seq its ack named, in the order it was sent.
            for (const message of me.received) {
              const sent = other.sent.get(message.body);
              expect(sent, 'a received body that was never sent').toBeDefined();
              expect(other.acked.get(sent!.clientId)).toBe(message.seq);
            }
            expect(me.received.map((message) => other.sent.get(message.body)!.index)).toEqual(
              Array.from({ length: MESSAGES_PER_SIDE }, (_, i) => i),
            );
            seqs.push(...me.received.map((message) => message.seq));
          }
          seqs.sort((a, b) => a - b);
          expect(seqs).toEqual(Array.from({ length: 2 * MESSAGES_PER_SIDE }, (_, i) => i + 1));
        }
        for (const me of sides) me.socket?.close();

        // The killed process's place is taken by a fresh one on the same file and Redis.
        servers[victim] = await startServerProcess(processEnv());
      },
      RUN_BUDGET_MS + 60_000,
    );

    /** Opens a bare socket for `who` on process `at`; the refusal's error body when refused. */
    async function open(who: LoggedIn, at: number): Promise<ClientSocket | ErrorBody> {
      try {
        return await connectWithToken(urlOf(at), who.token);
      } catch (error) {
        const data = (error as { data?: ErrorBody }).data;
        if (data === undefined) throw error;
        return data;
      }
    }
    const isSocket = (value: ClientSocket | ErrorBody): value is ClientSocket =>
      'connected' in value;

    it('holds the open-socket limit of an account across processes', async () => {
      const who = await registerAndLogin(urlOf(0), 'slots');
      const opened: ClientSocket[] = [];
      for (let i = 0; i < MAX_SOCKETS; i += 1) {
        const socket = await open(who, i % PROCESSES);
        if (!isSocket(socket)) throw new Error(`socket ${i} refused: ${socket.code}`);
        opened.push(socket);
      }
      // One more on any process is refused: each process alone holds fewer than the limit.
      for (let at = 0; at < PROCESSES; at += 1) {
        const refused = await open(who, at);
        expect(isSocket(refused) ? 'connected' : refused.code).toBe('RATE_LIMITED');
      }
      // Closing one frees its slot for a socket on another process.
      opened[0]!.close();
      await expect
        .poll(async () => {
          const again = await open(who, 2);
          if (!isSocket(again)) return again.code;
          opened.push(again);
          return 'connected';
        })
        .toBe('connected');
      for (const socket of opened) socket.close();
    });

    it('holds a rate limit across processes: bundle fetches per pair', async () => {
      const { staff, contact } = await pairOn(PAIRS, 0, 1);
      await publishPrekeys(contact, 10);
      const sockets = [
        staff.socket,
        await addDeviceSocket(staff, 1),
        await addDeviceSocket(staff, 2),
      ];
      const codes: string[] = [];
      for (let i = 0; i < FETCHES_PER_PAIR + PROCESSES; i += 1) {
        const ack = (await rawCall(sockets[i % PROCESSES]!, 'prekeys.fetch', {
          accountId: contact.accountId,
        })) as Ack<unknown>;
        codes.push(ack.ok ? 'OK' : ack.error.code);
      }
      // Five allowed in all, whichever process served them; every later one refused on each.
      expect(codes).toEqual([
        ...Array<string>(FETCHES_PER_PAIR).fill('OK'),
        ...Array<string>(PROCESSES).fill('RATE_LIMITED'),
      ]);
      for (const socket of sockets) socket.close();
      contact.socket.close();
    });

    /** Another socket of the same device, on process `at`. */
    function addDeviceSocket(device: TestDevice, at: number): Promise<ClientSocket> {
      return connect(urlOf(at), {
        token: device.token,
        protocol: PROTOCOL_VERSION,
        device: {
          id: device.deviceId,
          signature: toBase64Url(device.prekeys.signSession(device.token)),
        },
      });
    }

    it('logs out everywhere: a logout-all on one process drops the sockets on the others at once', async () => {
      const who = await registerAndLogin(urlOf(0), 'logout');
      const sockets = await Promise.all(
        [0, 1, 2].map(async (at) => {
          const socket = await open(who, at);
          if (!isSocket(socket)) throw new Error(`refused: ${socket.code}`);
          return socket;
        }),
      );
      const reasons = sockets.map((socket) => revokedReason(socket));
      const dropped = sockets.map((socket) => waitForDisconnect(socket, 5000));
      const started = Date.now();
      const out = await post(
        urlOf(0),
        '/auth/logout-all',
        {},
        { Authorization: `Bearer ${who.token}` },
      );
      expect(out.status).toBe(200);
      await Promise.all(dropped);
      // Far sooner than the store recheck (an hour here): the revocation travelled through Redis.
      expect(Date.now() - started).toBeLessThan(5000);
      expect(await Promise.all(reasons)).toEqual(['logout_all', 'logout_all', 'logout_all']);
      // And the token opens nothing anywhere any more.
      for (let at = 0; at < PROCESSES; at += 1) {
        const again = await open(who, at);
        expect(isSocket(again) ? 'connected' : again.code).toBe('UNAUTHENTICATED');
      }
    });

    it("a graceful shutdown of one process ends its own sockets only, not the others'", async () => {
      const who = await registerAndLogin(urlOf(0), 'shutdown');
      const sockets = await Promise.all(
        [0, 1, 2].map(async (at) => {
          const socket = await open(who, at);
          if (!isSocket(socket)) throw new Error(`refused: ${socket.code}`);
          return socket;
        }),
      );
      const stopping = servers[2]!;
      await stopping.stop('SIGTERM');
      outputs.push(stopping.output());
      servers[2] = undefined;
      expect(sockets[2]!.connected).toBe(false);
      // Give a stray broadcast time to arrive: the others' sockets stay connected and answer.
      await sleep(500);
      for (const socket of sockets.slice(0, 2)) {
        expect(socket.connected).toBe(true);
        const ack = (await rawCall(socket, 'session.whoami', {})) as Ack<unknown>;
        expect(ack.ok).toBe(true);
      }
      for (const socket of sockets) socket.close();
      servers[2] = await startServerProcess(processEnv());
    });

    it('fails closed while Redis is down (UNAVAILABLE, nothing admitted, /readyz 503) and recovers when it returns', async () => {
      const who = await registerAndLogin(urlOf(0), 'redisdown');
      const before = await open(who, 1);
      if (!isSocket(before)) throw new Error(`refused: ${before.code}`);
      const ready = async () => (await fetch(`${urlOf(1)}/readyz`)).status;
      expect(await ready()).toBe(200);
      await redis.stop();
      // Not ready: a load balancer sends nobody to a process that cannot count limits.
      expect(await ready()).toBe(503);
      // A new socket needs the shared slot count: refused, typed, while Redis is away...
      const refused = await open(who, 1);
      expect(isSocket(refused) ? 'connected' : refused.code).toBe('UNAVAILABLE');
      // ...and so does an event on an open socket (its rate windows live in Redis).
      const event = (await rawCall(before, 'session.whoami', {})) as Ack<unknown>;
      expect(event.ok ? 'OK' : event.error.code).toBe('UNAVAILABLE');
      await redis.restart();
      await expect
        .poll(
          async () => {
            const ack = (await rawCall(before, 'session.whoami', {})) as Ack<unknown>;
            return ack.ok ? 'OK' : ack.error.code;
          },
          { timeout: 15_000, interval: 250 },
        )
        .toBe('OK');
      expect(await ready()).toBe(200);
      const after = await open(who, 2);
      expect(isSocket(after) ? 'connected' : after.code).toBe('connected');
      if (isSocket(after)) after.close();
      before.close();
      // The logs say Redis went away and came back, and nothing about where it is.
      const logs = servers.map((server) => server?.output() ?? '').join('');
      expect(logs).toContain('redis unreachable');
      expect(logs).toContain('redis reachable again');
      expect(logs).not.toContain('redis://');
      expect(logs).not.toContain('ECONNREFUSED');
    });
  },
);
