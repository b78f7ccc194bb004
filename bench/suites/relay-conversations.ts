// Conversations relay (issue 9): messages/s between 100 connected pairs — authorise, persist (group
// commit), deliver, ack — as a ratio of a bare socket.io echo server measured in the same run with
// the same clients, window and payload (each server in its own process, as `npm start` runs it,
// the clients in this one); p99 ack latency at a fixed offered load of half that
// baseline; and the server's resident memory with many idle authenticated sockets.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack } from '@kolokol/shared';
import { newClientId } from '@kolokol/client/core';
import { newId } from '../../server/src/domain/secrets.js';
import {
  call,
  closeAllSockets,
  connect,
  registerAndLogin,
  type ClientSocket,
  type TestAccount,
} from '../../tests/support/client.js';
import { envelopeBody } from '../../tests/support/conversations.js';
import { addDevice, type TestDevice } from '../../tests/support/keys.js';
import { REPO_ROOT, SERVER_NODE_OPTIONS } from '../../tests/support/process.js';
import {
  dropProcessStore,
  enrolModeratorsInStore,
  processStoreEnv,
  GENEROUS_RELAY_LIMITS,
  registerEnrolled,
  startServerProcess,
} from '../../tests/support/server-process.js';
import type { BenchResult } from '../measure.js';

export const PAIRS = 100;
/** Messages each pair's sender keeps in flight (closed loop), for the echo and the relay alike. */
const WINDOW_PER_PAIR = 4;
const WARMUP_MS = 1000;
const DURATION_MS = 3000;
/** Interleaved echo and relay rounds. */
const ROUNDS = 3;
export const ACK_TIMEOUT_MS = 10_000;
/** A 1 KiB padded plaintext: a ratchet message of the 1024 bucket. */
export const BUCKET = 1024;
/** The receiving device acknowledges its high water after this many messages, or this long. */
const ACK_EVERY = 32;
const ACK_AFTER_MS = 500;
const TARGET_RATIO = 0.5;
/** USER_HZ: the unit of /proc/<pid>/stat's CPU times on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;
/** Idle sockets: the goal, and the time allowed to connect them on a shared 2-core machine. */
const IDLE_SOCKETS = 10_000;
const IDLE_SOCKETS_PER_ACCOUNT = 100;
const IDLE_SETUP_BUDGET_MS = 120_000;

interface SendPayload {
  readonly conversation: string;
  readonly clientId: string;
  readonly envelopes: readonly { readonly device: string; readonly body: string }[];
}

interface EchoEvents {
  echo: (payload: SendPayload, ack: (payload: SendPayload) => void) => void;
}

export interface Stats {
  readonly perSecond: number;
  readonly p99Ms: number;
  /** Every request acked, warm-up included. */
  readonly completed: number;
}

/** CPU time (user + system) a process has used so far, in seconds (Linux /proc). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN;
}

/**
 * Closed loop: `senders` each keep WINDOW_PER_PAIR requests in flight until the warm-up and the
 * measured period have passed; counts the acks that arrive in the measured period.
 */
export async function closedLoop(senders: readonly (() => Promise<void>)[]): Promise<Stats> {
  const start = performance.now();
  const from = start + WARMUP_MS;
  const until = from + DURATION_MS;
  const latencies: number[] = [];
  let acks = 0;
  let completed = 0;
  const worker = async (send: () => Promise<void>) => {
    while (performance.now() < until) {
      const sent = performance.now();
      await send();
      completed += 1;
      const done = performance.now();
      if (done >= from && done <= until) acks += 1;
      if (sent >= from && done <= until) latencies.push(done - sent);
    }
  };
  await Promise.all(
    senders.flatMap((send) => Array.from({ length: WINDOW_PER_PAIR }, () => worker(send))),
  );
  return {
    perSecond: (acks * 1000) / DURATION_MS,
    p99Ms: percentile(latencies, 0.99),
    completed,
  };
}

/**
 * Open loop: sends `ratePerSecond` requests in all, spread round-robin over the senders on a
 * schedule that does not wait for acks; latency runs from the scheduled moment to the ack.
 */
async function openLoop(
  senders: readonly (() => Promise<void>)[],
  ratePerSecond: number,
): Promise<Stats> {
  const start = performance.now();
  const from = start + WARMUP_MS;
  const until = from + DURATION_MS;
  const latencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  let scheduled = 0;
  let acks = 0;
  while (performance.now() < until) {
    const due = Math.floor(((performance.now() - start) * ratePerSecond) / 1000);
    for (; scheduled < due; scheduled += 1) {
      const at = start + (scheduled * 1000) / ratePerSecond;
      const send = senders[scheduled % senders.length]!;
      inFlight.push(
        send().then(() => {
          const done = performance.now();
          if (at >= from && done <= until + ACK_TIMEOUT_MS) latencies.push(done - at);
          if (done >= from && done <= until) acks += 1;
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(inFlight);
  return {
    perSecond: (acks * 1000) / DURATION_MS,
    p99Ms: percentile(latencies, 0.99),
    completed: scheduled,
  };
}

/** The bare echo server in its own process, as the relay server runs in its own. */
async function startEchoProcess(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    // The same Node options as the server's, so the two differ only in what they run.
    [...SERVER_NODE_OPTIONS, '--import', 'tsx', path.join(REPO_ROOT, 'bench/echo-server.ts')],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('echo server did not start')), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n')[0];
      if (text.includes('\n') && line !== undefined) {
        clearTimeout(timer);
        resolve(Number(line));
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Senders driving one server, and how to close it all. */
export interface Load {
  readonly senders: readonly (() => Promise<void>)[];
  /** The server process's CPU seconds so far. */
  cpu(): Promise<number>;
  /** The server's process id, where there is one server process. */
  readonly pid?: number;
  close(): Promise<void>;
}

async function openEcho(): Promise<Load> {
  const server = await startEchoProcess();
  const clients: Socket<Record<string, never>, EchoEvents>[] = [];
  for (let i = 0; i < PAIRS; i += 1) {
    const client: Socket<Record<string, never>, EchoEvents> = io(server.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
  }
  const [conversation, device] = [newId(), newId()];
  const body = envelopeBody(BUCKET);
  return {
    senders: clients.map((client) => async () => {
      const payload = { conversation, clientId: newId(), envelopes: [{ device, body }] };
      await client.timeout(ACK_TIMEOUT_MS).emitWithAck('echo', payload);
    }),
    cpu: () => cpuSeconds(server.pid),
    async close() {
      for (const client of clients) client.close();
      await server.stop();
    },
  };
}

export interface Pair {
  readonly conversation: string;
  readonly sender: TestDevice;
  readonly receiver: TestDevice;
}

async function makePair(
  url: string,
  moderator: { account: TestAccount; code: string },
): Promise<Pair> {
  const sender = await addDevice(url, await registerEnrolled(url, moderator));
  const receiver = await addDevice(url, await registerAndLogin(url, 'bench'));
  const opened = await call(sender.socket, 'conversations.open', { peer: receiver.accountId });
  if (!opened.ok) throw new Error(`conversations.open failed: ${opened.error.code}`);
  return { conversation: opened.data.conversation.id, sender, receiver };
}

/** The receiving device: acknowledges its high water every ACK_EVERY messages or ACK_AFTER_MS. */
export function acknowledging(pair: Pair): { stop(): void; failure(): Error | undefined } {
  let highest = 0;
  let acked = 0;
  let busy = false;
  let failure: Error | undefined;
  const flush = () => {
    if (busy || highest <= acked || failure) return;
    busy = true;
    const seq = highest;
    pair.receiver.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('conversations.ack', { conversation: pair.conversation, seq })
      .then((ack: Ack<unknown>) => {
        if (!ack.ok) failure = new Error(`conversations.ack failed: ${ack.error.code}`);
        else acked = seq;
      })
      .catch((error: unknown) => (failure = error instanceof Error ? error : new Error('ack')))
      .finally(() => (busy = false));
  };
  pair.receiver.socket.on('conversations.message', (message) => {
    highest = Math.max(highest, message.seq);
    if (highest - acked >= ACK_EVERY) flush();
  });
  const timer = setInterval(flush, ACK_AFTER_MS);
  return { stop: () => clearInterval(timer), failure: () => failure };
}

/** `extraEnv`: settings on top of the bench's (an A/B comparison of one setting, say). */
/**
 * A pair's sender: one `conversations.send` of `body` to the receiver's device, under a clientId
 * made as the client core makes them (rising from the highest seq the sender was given:
 * client/src/core/client-ids.ts). Emitted as the echo's clients emit: no schema check of the ack
 * here, so both sides of the ratio spend the same on the client.
 */
export function relaySender(
  pair: Pair,
  body: string,
  failed: () => Error | undefined,
): () => Promise<void> {
  let known = 0;
  return async () => {
    const ack = (await pair.sender.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('conversations.send', {
        conversation: pair.conversation,
        clientId: newClientId(known),
        envelopes: [{ device: pair.receiver.deviceId, body }],
      })) as Ack<{ seq: number }>;
    if (!ack.ok) throw new Error(`conversations.send failed: ${ack.error.code}`);
    known = Math.max(known, ack.data.seq);
    const failure = failed();
    if (failure) throw failure;
  };
}

export async function openRelay(extraEnv: Record<string, string> = {}): Promise<Load> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kolokol-bench-'));
  // SQLite under dir, or MongoDB when the run has MONGODB_URI (docs/deploy.md).
  const storeEnv = processStoreEnv(dir);
  const moderators = await enrolModeratorsInStore(dir, PAIRS, storeEnv);
  const server = await startServerProcess(
    { ...storeEnv, KOLOKOL_MAX_CONNECTIONS: '10000', ...GENEROUS_RELAY_LIMITS, ...extraEnv },
    0,
    process.env.BENCH_SERVER_NODE_ARGS?.split(' ') ?? [],
  );
  const pairs: Pair[] = [];
  for (let i = 0; i < PAIRS; i += 10) {
    pairs.push(
      ...(await Promise.all(
        moderators.slice(i, i + 10).map((moderator) => makePair(server.url, moderator)),
      )),
    );
  }
  const receivers = pairs.map(acknowledging);
  // Checked after every ack: one flag, not a scan of the hundred receivers, so the relay's clients
  // spend no more per message than the echo's on anything but the relay itself.
  let failed: Error | undefined;
  const watch = setInterval(() => {
    failed ??= receivers.find((receiver) => receiver.failure() !== undefined)?.failure();
  }, 100);
  const body = envelopeBody(BUCKET);
  return {
    senders: pairs.map((pair) => relaySender(pair, body, () => failed)),
    cpu: () => cpuSeconds(server.pid),
    pid: server.pid,
    async close() {
      clearInterval(watch);
      for (const receiver of receivers) receiver.stop();
      closeAllSockets();
      await server.stop('SIGTERM');
      await dropProcessStore(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Echo and relay measured in interleaved rounds, so that load from elsewhere on a shared machine
 * falls on both: the medians of each, and the median of the rounds' ratios.
 */
async function measureThroughput(): Promise<{
  echo: number;
  relay: number;
  ratio: number;
  relayP99: number;
  echoCpuUs: number;
  relayCpuUs: number;
  atHalf: Stats;
}> {
  const echo = await openEcho();
  const relay = await openRelay();
  try {
    const rounds: { echo: Stats; relay: Stats; echoCpuUs: number; relayCpuUs: number }[] = [];
    /** The closed loop, and the server's CPU time per acked request during it, in µs. */
    const measure = async (load: Load): Promise<[Stats, number]> => {
      const before = await load.cpu();
      const stats = await closedLoop(load.senders);
      return [stats, (((await load.cpu()) - before) * 1e6) / Math.max(1, stats.completed)];
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      const [echoed, echoCpuUs] = await measure(echo);
      const [relayed, relayCpuUs] = await measure(relay);
      console.log(
        `  round ${round + 1}: echo ${Math.round(echoed.perSecond)}/s (${Math.round(echoCpuUs)} µs CPU each), relay ${Math.round(relayed.perSecond)}/s (${Math.round(relayCpuUs)} µs CPU each)`,
      );
      rounds.push({ echo: echoed, relay: relayed, echoCpuUs, relayCpuUs });
    }
    const echoRate = median(rounds.map((r) => r.echo.perSecond));
    const atHalf = await openLoop(relay.senders, echoRate / 2);
    return {
      echo: echoRate,
      relay: median(rounds.map((r) => r.relay.perSecond)),
      ratio: median(rounds.map((r) => r.relay.perSecond / r.echo.perSecond)),
      relayP99: median(rounds.map((r) => r.relay.p99Ms)),
      echoCpuUs: median(rounds.map((r) => r.echoCpuUs)),
      relayCpuUs: median(rounds.map((r) => r.relayCpuUs)),
      atHalf,
    };
  } finally {
    await echo.close();
    await relay.close();
  }
}

/**
 * The server in its own process, so its memory is measured apart from the clients': resident
 * memory before and after IDLE_SOCKETS authenticated sockets (or as many as connect within
 * IDLE_SETUP_BUDGET_MS) sit idle.
 */
async function measureIdleSockets(): Promise<{
  sockets: number;
  rssMb: number;
  perSocketKb: number;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kolokol-bench-'));
  const server = await startServerProcess({
    KOLOKOL_DATA_DIR: dir,
    KOLOKOL_LOG_LEVEL: 'info',
    KOLOKOL_MAX_CONNECTIONS: String(IDLE_SOCKETS + 100),
    KOLOKOL_MAX_SOCKETS_PER_ACCOUNT: String(IDLE_SOCKETS_PER_ACCOUNT),
    ...GENEROUS_RELAY_LIMITS,
  });
  const sockets: ClientSocket[] = [];
  try {
    const accounts = [];
    for (let i = 0; i < IDLE_SOCKETS / IDLE_SOCKETS_PER_ACCOUNT; i += 10) {
      accounts.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, () => registerAndLogin(server.url, 'idle')),
        )),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = await server.rssBytes();
    const deadline = Date.now() + IDLE_SETUP_BUDGET_MS;
    for (const account of accounts) {
      if (Date.now() > deadline) break;
      const batch = await Promise.all(
        Array.from({ length: IDLE_SOCKETS_PER_ACCOUNT }, () =>
          connect(server.url, { token: account.token, protocol: PROTOCOL_VERSION }),
        ),
      );
      sockets.push(...batch);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await server.rssBytes();
    return {
      sockets: sockets.length,
      rssMb: after / 2 ** 20,
      perSocketKb: (after - before) / 1024 / Math.max(1, sockets.length),
    };
  } finally {
    for (const socket of sockets) socket.close();
    closeAllSockets();
    await server.stop('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult[]> {
  const measured = await measureThroughput();
  const idle = await measureIdleSockets();
  const idleName =
    idle.sockets >= IDLE_SOCKETS
      ? 'relay.idle_sockets_rss_mb'
      : `relay.idle_sockets_rss_mb (${idle.sockets} sockets, not ${IDLE_SOCKETS}: setup budget)`;
  return [
    {
      name: 'relay.baseline_socketio_echo_100',
      value: measured.echo,
      unit: 'msg/s',
      better: 'higher',
    },
    {
      name: 'relay.throughput',
      value: measured.relay,
      unit: 'msg/s',
      better: 'higher',
      baseline: 'relay.baseline_socketio_echo_100',
      ratio: measured.ratio,
      target: TARGET_RATIO,
    },
    {
      name: 'relay.baseline_echo_server_cpu_us',
      value: measured.echoCpuUs,
      unit: 'µs of echo-server CPU per message',
      better: 'lower',
    },
    {
      // The server's own cost, which load from other processes on the machine does not change:
      // the throughput ratio both servers would reach, each on a core of its own.
      name: 'relay.server_cpu_us',
      value: measured.relayCpuUs,
      unit: 'µs of server CPU per relayed message',
      better: 'lower',
      baseline: 'relay.baseline_echo_server_cpu_us',
      ratio: measured.echoCpuUs / measured.relayCpuUs,
      target: TARGET_RATIO,
    },
    {
      name: 'relay.p99_ms',
      value: measured.atHalf.p99Ms,
      unit: `ms at ${Math.round(measured.echo / 2)} msg/s offered (half the echo baseline)`,
      better: 'lower',
    },
    {
      name: 'relay.throughput_p99_ms',
      value: measured.relayP99,
      unit: 'ms (closed loop, saturated)',
      better: 'lower',
    },
    {
      name: idleName,
      value: idle.rssMb,
      unit: `MB (${idle.sockets} idle sockets)`,
      better: 'lower',
    },
    {
      name: 'relay.idle_socket_kb',
      value: idle.perSocketKb,
      unit: 'KiB per idle authenticated socket',
      better: 'lower',
    },
  ];
}
