// The conversations relay across three server processes (issue 11): the relay benchmark's 100
// pairs and closed loop, each pair's sender on one process and its receiver on the next, so every
// message is delivered through socket.io's Redis Streams adapter; the three share one SQLite
// file and Debian's redis-server (loopback, no persistence). `ratio` is against one process
// without Redis measured in the same run, in interleaved rounds, with the same clients' code.
// Skipped, saying so, where redis-server is not installed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  call,
  closeAllSockets,
  registerAndLogin,
  type TestAccount,
} from '../../tests/support/client.js';
import { envelopeBody } from '../../tests/support/conversations.js';
import { addDevice } from '../../tests/support/keys.js';
import { REDIS_MISSING, startRedisServer } from '../../tests/support/redis-server.js';
import {
  enrolModeratorsInStore,
  GENEROUS_RELAY_LIMITS,
  registerEnrolled,
  startServerProcess,
} from '../../tests/support/server-process.js';
import type { BenchResult } from '../measure.js';
import {
  BUCKET,
  PAIRS,
  acknowledging,
  closedLoop,
  cpuSeconds,
  median,
  openRelay,
  relaySender,
  type Load,
  type Pair,
  type Stats,
} from './relay-conversations.js';

const PROCESSES = 3;
const ROUNDS = 3;

async function makePairAcross(
  senderUrl: string,
  receiverUrl: string,
  moderator: { account: TestAccount; code: string },
): Promise<Pair> {
  const sender = await addDevice(senderUrl, await registerEnrolled(senderUrl, moderator));
  const receiver = await addDevice(receiverUrl, await registerAndLogin(receiverUrl, 'bench'));
  const opened = await call(sender.socket, 'conversations.open', { peer: receiver.accountId });
  if (!opened.ok) throw new Error(`conversations.open failed: ${opened.error.code}`);
  return { conversation: opened.data.conversation.id, sender, receiver };
}

async function openThreeProcesses(redisUrl: string): Promise<Load> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kolokol-bench-3proc-'));
  const moderators = await enrolModeratorsInStore(dir, PAIRS);
  const servers = await Promise.all(
    Array.from({ length: PROCESSES }, () =>
      startServerProcess({
        KOLOKOL_DATA_DIR: dir,
        REDIS_URL: redisUrl,
        KOLOKOL_MAX_CONNECTIONS: '10000',
        ...GENEROUS_RELAY_LIMITS,
      }),
    ),
  );
  const pairs: Pair[] = [];
  for (let i = 0; i < PAIRS; i += 10) {
    pairs.push(
      ...(await Promise.all(
        moderators
          .slice(i, i + 10)
          .map((moderator, j) =>
            makePairAcross(
              servers[(i + j) % PROCESSES]!.url,
              servers[(i + j + 1) % PROCESSES]!.url,
              moderator,
            ),
          ),
      )),
    );
  }
  const receivers = pairs.map(acknowledging);
  let failed: Error | undefined;
  const watch = setInterval(() => {
    failed ??= receivers.find((receiver) => receiver.failure() !== undefined)?.failure();
  }, 100);
  const body = envelopeBody(BUCKET);
  return {
    senders: pairs.map((pair) => relaySender(pair, body, () => failed)),
    // All three servers together.
    cpu: async () =>
      (await Promise.all(servers.map((server) => cpuSeconds(server.pid)))).reduce((a, b) => a + b),
    async close() {
      clearInterval(watch);
      for (const receiver of receivers) receiver.stop();
      closeAllSockets();
      await Promise.all(servers.map((server) => server.stop('SIGTERM')));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function run(): Promise<BenchResult[]> {
  if (REDIS_MISSING !== undefined) {
    console.log(`  relay.throughput_3proc skipped: ${REDIS_MISSING}`);
    return [];
  }
  const redis = await startRedisServer();
  const one = await openRelay();
  const three = await openThreeProcesses(redis.url);
  try {
    const rounds: { one: Stats; three: Stats; oneCpuUs: number; threeCpuUs: number }[] = [];
    const measure = async (load: Load): Promise<[Stats, number]> => {
      const before = await load.cpu();
      const stats = await closedLoop(load.senders);
      return [stats, (((await load.cpu()) - before) * 1e6) / Math.max(1, stats.completed)];
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      const [single, oneCpuUs] = await measure(one);
      const [spread, threeCpuUs] = await measure(three);
      console.log(
        `  round ${round + 1}: 1 process ${Math.round(single.perSecond)}/s (${Math.round(oneCpuUs)} µs CPU each), 3 processes ${Math.round(spread.perSecond)}/s (${Math.round(threeCpuUs)} µs CPU each, all three)`,
      );
      rounds.push({ one: single, three: spread, oneCpuUs, threeCpuUs });
    }
    const oneCpuUs = median(rounds.map((r) => r.oneCpuUs));
    const threeCpuUs = median(rounds.map((r) => r.threeCpuUs));
    return [
      {
        name: 'relay.throughput_1proc',
        value: median(rounds.map((r) => r.one.perSecond)),
        unit: 'msg/s (one process, no Redis, this suite)',
        better: 'higher',
      },
      {
        name: 'relay.throughput_3proc',
        value: median(rounds.map((r) => r.three.perSecond)),
        unit: 'msg/s (three processes, Redis Streams adapter, one SQLite file)',
        better: 'higher',
        baseline: 'relay.throughput_1proc',
        ratio: median(rounds.map((r) => r.three.perSecond / r.one.perSecond)),
      },
      {
        name: 'relay.throughput_3proc_p99_ms',
        value: median(rounds.map((r) => r.three.p99Ms)),
        unit: 'ms (closed loop, saturated)',
        better: 'lower',
      },
      {
        // What scaling out costs in CPU per message, whatever the machine's cores.
        name: 'relay.server_cpu_us_3proc',
        value: threeCpuUs,
        unit: 'µs of server CPU per relayed message, three processes together',
        better: 'lower',
        baseline: 'relay.server_cpu_us_1proc',
        ratio: oneCpuUs / threeCpuUs,
      },
      {
        name: 'relay.server_cpu_us_1proc',
        value: oneCpuUs,
        unit: 'µs of server CPU per relayed message, one process (this suite)',
        better: 'lower',
      },
    ];
  } finally {
    await one.close();
    await three.close();
    await redis.close();
  }
}
