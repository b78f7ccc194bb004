// The domain's budgets hold across processes (issue 11): two real server processes sharing one
// SQLite file and a real redis-server. For each budget, part is spent on one process and the rest
// on the other; the next attempt is refused on both with its typed error and changes nothing.
// Counted per process (as before REDIS_URL shared them), each process would still allow more.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, toBase64Url, type Ack } from '@kolokol/shared';
import { SQLITE_FILE_NAME } from '../../server/src/store/open-store.js';
import {
  call,
  connect,
  connectWithToken,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { sendPayload } from '../support/conversations.js';
import { addDevice, publishPrekeys, type TestDevice } from '../support/keys.js';
import {
  REDIS_MISSING,
  redisSuite,
  startRedisServer,
  type RedisServer,
} from '../support/redis-server.js';
import { requestInput, wireRequest } from '../support/requests.js';
import {
  enrolModeratorsInStore,
  GENEROUS_RELAY_LIMITS,
  registerEnrolled,
  startServerProcess,
  type ServerProcess,
} from '../support/server-process.js';
import { snapshotDatabase } from '../support/server.js';

const PROCESSES = 2;
/** Two a minute: one unit refills every 30 s, far longer than the test takes to spend them. */
const MESSAGES_PER_MINUTE = 2;
const REQUEST_CREATES_PER_HOUR = 3;
const ONE_TIME_PREKEYS_PER_TARGET_PER_HOUR = 2;
/** REPORTS_PER_REPORTER_PER_HOUR (server/src/domain/report-limits.ts), not a setting. */
const REPORTS_PER_HOUR = 5;

describe.skipIf(REDIS_MISSING !== undefined)(
  redisSuite('the domain budgets hold across two processes sharing Redis'),
  () => {
    let redis: RedisServer;
    let dataDir = '';
    const servers: ServerProcess[] = [];
    let moderators: Awaited<ReturnType<typeof enrolModeratorsInStore>> = [];

    const urlOf = (index: number) => servers[index]!.url;
    const snapshot = () => snapshotDatabase(path.join(dataDir, SQLITE_FILE_NAME));

    beforeAll(async () => {
      redis = await startRedisServer();
      dataDir = await mkdtemp(path.join(tmpdir(), 'kolokol-budgets-'));
      moderators = await enrolModeratorsInStore(dataDir, 2);
      const env = {
        KOLOKOL_DATA_DIR: dataDir,
        REDIS_URL: redis.url,
        ...GENEROUS_RELAY_LIMITS,
        KOLOKOL_CONVERSATION_MESSAGES_PER_MINUTE: String(MESSAGES_PER_MINUTE),
        KOLOKOL_REQUEST_CREATES_PER_HOUR: String(REQUEST_CREATES_PER_HOUR),
        KOLOKOL_ONE_TIME_PREKEYS_PER_TARGET_PER_HOUR: String(ONE_TIME_PREKEYS_PER_TARGET_PER_HOUR),
        KOLOKOL_PREKEY_FETCHES_PER_PAIR_PER_HOUR: '100',
      };
      servers.push(
        ...(await Promise.all(Array.from({ length: PROCESSES }, () => startServerProcess(env)))),
      );
      for (const server of servers) expect(server.output()).toContain('"shared":"redis"');
    }, 90_000);

    afterAll(async () => {
      for (const server of servers) await server.stop('SIGKILL');
      await redis?.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    /** Another socket of the same device, on process `at`. */
    function deviceSocketOn(device: TestDevice, at: number): Promise<ClientSocket> {
      return connect(urlOf(at), {
        token: device.token,
        protocol: PROTOCOL_VERSION,
        device: {
          id: device.deviceId,
          signature: toBase64Url(device.prekeys.signSession(device.token)),
        },
      });
    }

    /** The error code of each ack, or OK. */
    const codeOf = (ack: Ack<unknown>) => (ack.ok ? 'OK' : ack.error.code);

    it('conversation messages per minute per account', async () => {
      const staff = await addDevice(urlOf(0), await registerEnrolled(urlOf(0), moderators[0]!));
      const contact = await addDevice(urlOf(1), await registerAndLogin(urlOf(1), 'budget'));
      const opened = await call(staff.socket, 'conversations.open', { peer: contact.accountId });
      if (!opened.ok) throw new Error(`open: ${opened.error.code}`);
      const conversation = opened.data.conversation.id;
      const sockets = [staff.socket, await deviceSocketOn(staff, 1)];
      const send = (at: number) =>
        rawCall(sockets[at]!, 'conversations.send', sendPayload(conversation, contact)) as Promise<
          Ack<unknown>
        >;
      // One on each process spends the account's two; per process each would still have one.
      expect(codeOf(await send(0))).toBe('OK');
      expect(codeOf(await send(1))).toBe('OK');
      const before = snapshot();
      expect([codeOf(await send(0)), codeOf(await send(1))]).toEqual([
        'RATE_LIMITED',
        'RATE_LIMITED',
      ]);
      expect(snapshot()).toEqual(before);
      for (const socket of [...sockets, contact.socket]) socket.close();
    });

    it('request creations per hour per contact', async () => {
      const who = await registerAndLogin(urlOf(0), 'budget');
      const sockets = [
        await connectWithToken(urlOf(0), who.token),
        await connectWithToken(urlOf(1), who.token),
      ];
      const create = (at: number) =>
        rawCall(sockets[at]!, 'requests.create', wireRequest(requestInput())) as Promise<
          Ack<unknown>
        >;
      // Two here, one there: the three of the hour; per process the second would have two more.
      expect([codeOf(await create(0)), codeOf(await create(0)), codeOf(await create(1))]).toEqual([
        'OK',
        'OK',
        'OK',
      ]);
      const before = snapshot();
      expect([codeOf(await create(1)), codeOf(await create(0))]).toEqual([
        'RATE_LIMITED',
        'RATE_LIMITED',
      ]);
      expect(snapshot()).toEqual(before);
      for (const socket of sockets) socket.close();
    });

    it('reports per hour per reporter', async () => {
      const reporter = await registerAndLogin(urlOf(0), 'budget');
      const sockets = [
        await connectWithToken(urlOf(0), reporter.token),
        await connectWithToken(urlOf(1), reporter.token),
      ];
      const subjects: string[] = [];
      for (let i = 0; i <= REPORTS_PER_HOUR; i += 1) {
        subjects.push((await registerAndLogin(urlOf(i % PROCESSES), 'subject')).accountId);
      }
      const report = (at: number, subject: string) =>
        rawCall(sockets[at]!, 'reports.create', { subject, reason: 'spam' }) as Promise<
          Ack<unknown>
        >;
      // Three on one process, two on the other: the five of the hour.
      const codes: string[] = [];
      for (let i = 0; i < REPORTS_PER_HOUR; i += 1) {
        codes.push(codeOf(await report(i < 3 ? 0 : 1, subjects[i]!)));
      }
      expect(codes).toEqual(Array<string>(REPORTS_PER_HOUR).fill('OK'));
      const before = snapshot();
      const last = subjects[REPORTS_PER_HOUR]!;
      expect([codeOf(await report(1, last)), codeOf(await report(0, last))]).toEqual([
        'RATE_LIMITED',
        'RATE_LIMITED',
      ]);
      expect(snapshot()).toEqual(before);
      for (const socket of sockets) socket.close();
    });

    it('one-time prekeys handed out per target device per hour', async () => {
      const target = await addDevice(urlOf(0), await registerAndLogin(urlOf(0), 'target'));
      await publishPrekeys(target, 10);
      const asker = await addDevice(urlOf(0), await registerEnrolled(urlOf(0), moderators[1]!));
      const sockets = [asker.socket, await deviceSocketOn(asker, 1)];
      /** Whether the bundle fetched on process `at` carried a one-time prekey. */
      const oneTime = async (at: number) => {
        const ack = (await rawCall(sockets[at]!, 'prekeys.fetch', {
          accountId: target.accountId,
        })) as Ack<{ bundles: { oneTimePrekey?: unknown }[] }>;
        if (!ack.ok) throw new Error(`fetch: ${ack.error.code}`);
        return ack.data.bundles[0]?.oneTimePrekey !== undefined;
      };
      expect([await oneTime(0), await oneTime(1)]).toEqual([true, true]);
      // The target's two of the hour are spent: both processes hand out bundles without one.
      const before = snapshot();
      expect([await oneTime(1), await oneTime(0)]).toEqual([false, false]);
      expect(snapshot()).toEqual(before);
      for (const socket of [...sockets, target.socket]) socket.close();
    });
  },
);
