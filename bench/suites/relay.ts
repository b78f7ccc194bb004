// Message relay throughput and p99 ack latency: Kolokol's `direct.send` (authorise, validate,
// persist in SQLite, push to the recipient) as a ratio of a bare socket.io echo server in this run.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Server } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import { toBase64Url } from '@kolokol/shared';
import { newId } from '../../server/src/domain/secrets.js';
import { call, registerAndLogin, type ClientSocket } from '../../tests/support/client.js';
import { addDevice } from '../../tests/support/keys.js';
import { startTestServer } from '../../tests/support/server.js';
import { enrolStaff } from '../../tests/support/staff.js';
import type { BenchResult } from '../measure.js';

/** Requests kept in flight at once by the sender. */
const WINDOW = 32;
const WARMUP_MS = 500;
const DURATION_MS = 3000;
/** Any single ack slower than this fails the run instead of hanging it (as `call` does). */
const ACK_TIMEOUT_MS = 5000;
const BODY_BYTES = 1024;
/** Most ids one `direct.ack` may carry (MAX_DIRECT_FETCH in shared). */
const MAX_ACK_IDS = 100;
/** The design target: relay throughput at ≥ 50 % of the bare echo server. */
const TARGET_RATIO = 0.5;

/** The same shape and size as a `direct.send` payload, so both sides move the same bytes. */
interface RelayPayload {
  readonly to: string;
  readonly device: string;
  readonly deviceListVersion: number;
  readonly clientId: string;
  readonly body: string;
}

interface EchoEvents {
  echo: (payload: RelayPayload, ack: (payload: RelayPayload) => void) => void;
}

interface WindowStats {
  /** Requests acknowledged during the measured period, per second. */
  readonly perSecond: number;
  readonly p99Ms: number;
  /** Every request acknowledged, warm-up included. */
  readonly completed: number;
}

/**
 * Keeps `window` requests in flight until the warm-up and measured period have passed. Throughput
 * counts acks that arrive in the measured period; latency, requests that start and end in it.
 * Each request settles within ACK_TIMEOUT_MS, so the loop always ends; a failure stops it.
 */
async function runWindow(request: () => Promise<void>, window = WINDOW): Promise<WindowStats> {
  const start = performance.now();
  const measureFrom = start + WARMUP_MS;
  const measureUntil = measureFrom + DURATION_MS;
  const latencies: number[] = [];
  let completed = 0;
  let measuredAcks = 0;
  let failure: Error | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && performance.now() < measureUntil) {
      const sent = performance.now();
      try {
        await request();
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        return;
      }
      const done = performance.now();
      completed += 1;
      if (done >= measureFrom && done <= measureUntil) measuredAcks += 1;
      if (sent >= measureFrom && done <= measureUntil) latencies.push(done - sent);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  if (failure !== undefined) throw failure;
  if (latencies.length === 0) throw new Error('no request completed in the measured period');
  return {
    perSecond: (measuredAcks * 1000) / DURATION_MS,
    p99Ms: percentile(latencies, 0.99),
    completed,
  };
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? NaN;
}

function relayBody(): string {
  return toBase64Url(new Uint8Array(randomBytes(BODY_BYTES)));
}

async function measureEcho(): Promise<WindowStats> {
  const httpServer = createServer();
  const server = new Server<EchoEvents>(httpServer);
  server.on('connection', (socket) => {
    socket.on('echo', (payload, ack) => ack(payload));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  const client: Socket<Record<string, never>, EchoEvents> = io(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
    const [to, device] = [newId(), newId()];
    const body = relayBody();
    return await runWindow(async () => {
      const payload = { to, device, deviceListVersion: 1, clientId: newId(), body };
      await client.timeout(ACK_TIMEOUT_MS).emitWithAck('echo', payload);
    });
  } finally {
    client.close();
    await server.close();
  }
}

/** Acks every pushed envelope as it arrives, up to MAX_ACK_IDS per call, one call at a time. */
function drainMailbox(socket: ClientSocket) {
  const pending: string[] = [];
  let received = 0;
  let acking = false;
  let failure: Error | undefined;
  const flush = (): void => {
    if (acking || pending.length === 0 || failure || socket.disconnected) return;
    acking = true;
    const ids = pending.splice(0, MAX_ACK_IDS);
    call(socket, 'direct.ack', { ids })
      .then(
        (ack) => {
          if (!ack.ok) failure = new Error(`direct.ack failed: ${ack.error.code}`);
        },
        (error: unknown) => {
          failure = error instanceof Error ? error : new Error(String(error));
        },
      )
      .finally(() => {
        acking = false;
        flush();
      });
  };
  socket.on('direct.message', (message) => {
    received += 1;
    pending.push(message.id);
    flush();
  });
  return {
    get received() {
      return received;
    },
    check() {
      if (failure) throw failure;
    },
  };
}

async function measureDirectSend(): Promise<WindowStats> {
  const server = await startTestServer({
    KOLOKOL_LOG_LEVEL: 'silent',
    KOLOKOL_SOCKET_EVENTS_PER_SECOND: '10000',
  });
  const sockets: ClientSocket[] = [];
  try {
    const moderator = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    const contact = await addDevice(server.url, await registerAndLogin(server.url, 'contact'));
    const sender = moderator.socket;
    sockets.push(sender);
    const recipient = contact.socket;
    sockets.push(recipient);
    const mailbox = drainMailbox(recipient);

    const body = relayBody();
    const stats = await runWindow(async () => {
      const ack = await call(sender, 'direct.send', {
        to: contact.accountId,
        device: contact.deviceId,
        deviceListVersion: 1,
        clientId: newId(),
        body,
      });
      if (!ack.ok) throw new Error(`direct.send failed: ${ack.error.code}`);
      mailbox.check();
    });

    // Pushes for the last acks may still be on the wire; give them a bounded moment.
    const settleBy = performance.now() + 2000;
    while (mailbox.received < stats.completed && performance.now() < settleBy) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    mailbox.check();
    if (mailbox.received < 0.9 * stats.completed) {
      throw new Error(`recipient got ${mailbox.received} pushes for ${stats.completed} acks`);
    }
    return stats;
  } finally {
    for (const socket of sockets) socket.close();
    await server.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const echo = await measureEcho();
  const relay = await measureDirectSend();
  return [
    {
      name: 'relay.baseline_socketio_echo',
      value: echo.perSecond,
      unit: 'msg/s',
      better: 'higher',
    },
    {
      name: 'relay.baseline_socketio_echo_p99',
      value: echo.p99Ms,
      unit: 'ms',
      better: 'lower',
    },
    {
      name: 'relay.direct_send',
      value: relay.perSecond,
      unit: 'msg/s',
      better: 'higher',
      baseline: 'relay.baseline_socketio_echo',
      ratio: relay.perSecond / echo.perSecond,
      target: TARGET_RATIO,
    },
    {
      name: 'relay.direct_send_p99',
      value: relay.p99Ms,
      unit: 'ms',
      better: 'lower',
      baseline: 'relay.baseline_socketio_echo_p99',
      ratio: relay.p99Ms / echo.p99Ms,
    },
  ];
}
