// The socket.io server: typed by shared's event maps, JSON-only (binary packets refused before
// they are decoded), websocket-only unless polling is allowed, with deliberate message size and
// heartbeat limits, the Origin allowlist, handshake authentication and the one event router.
import { coalesceWebsocketWrites } from './coalesce-writes.js';
import type { Server as HttpServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server } from 'socket.io';
import type { Config } from '../config/config.js';
import type { RevocationFeed } from '../domain/revocations.js';
import type { DeviceService } from '../domain/devices.js';
import type { SessionService } from '../domain/sessions.js';
import type { Logger } from '../logger.js';
import { memoryLimiters } from '../scale/limiters.js';
import type { SharedState } from '../scale/shared-state.js';
import { allHandlers, type HandlerDeps } from './handlers/index.js';
import { handshakeMiddleware } from './handshake.js';
import { InFlight } from './in-flight.js';
import { jsonOnlyParser } from './json-only-parser.js';
import {
  PING_INTERVAL_MS,
  PING_TIMEOUT_MS,
  SHUTDOWN_LINGER_MS,
  SOCKET_CONNECT_TIMEOUT_MS,
  UPGRADE_TIMEOUT_MS,
} from './limits.js';
import { originCheck } from './origin-check.js';
import { EventRouter } from './router.js';
import { endSocket, watchSessions } from './session-watch.js';
import { InProcessSocketSlots } from './socket-slots.js';
import type { KolokolServer } from './socket-types.js';
import { guardTransports } from './transport-guard.js';

export interface Realtime {
  readonly io: KolokolServer;
  readonly inFlight: InFlight;
  readonly slots: InProcessSocketSlots;
  /**
   * Refuses new handshakes at once and new events from then on (UNAVAILABLE), waits for
   * in-flight acks, keeps sockets a moment longer so events already on the wire are answered,
   * then disconnects every socket; all within `graceMs`.
   */
  close(graceMs: number): Promise<void>;
}

/** Waits for `work`, or for `ms` at most. */
async function within(work: Promise<unknown>, ms: number): Promise<void> {
  const timeout = new AbortController();
  await Promise.race([
    work,
    sleep(ms, undefined, { signal: timeout.signal }).catch(() => undefined),
  ]);
  timeout.abort();
}

export function createRealtime(
  httpServer: HttpServer,
  deps: {
    readonly config: Config;
    readonly logger: Logger;
    readonly sessions: SessionService;
    readonly devices: DeviceService;
    readonly revocations: RevocationFeed;
    readonly handlerDeps: HandlerDeps;
    readonly now: () => number;
    /** What several processes share (Redis); unset: everything in this process. */
    readonly shared?: SharedState;
  },
): Realtime {
  const { config, logger } = deps;
  const io: KolokolServer = new Server(httpServer, {
    parser: jsonOnlyParser((reason) =>
      logger.info({ reason }, 'connection closed: packet refused'),
    ),
    // Websocket only unless polling is explicitly allowed (see transport-guard.ts).
    transports: config.allowPolling ? ['polling', 'websocket'] : ['websocket'],
    // A polling connection stays on polling: an upgrade would need the same bearer header,
    // which browsers cannot set on a websocket. Clients that can use websocket open one directly.
    allowUpgrades: false,
    // The largest message a client may send; larger closes the connection.
    maxHttpBufferSize: config.maxSocketMessageBytes,
    // No compressed websocket frames: what a client sends costs it what it costs us.
    perMessageDeflate: false,
    allowRequest: originCheck(config.allowedOrigins),
    cors: { origin: [...config.allowedOrigins], credentials: false },
    serveClient: false,
    connectTimeout: SOCKET_CONNECT_TIMEOUT_MS,
    pingInterval: PING_INTERVAL_MS,
    pingTimeout: PING_TIMEOUT_MS,
    upgradeTimeout: UPGRADE_TIMEOUT_MS,
    // Delivery to sockets on other processes (Redis Streams); unset: this process only.
    ...(deps.shared?.adapter === undefined ? {} : { adapter: deps.shared.adapter }),
  });
  coalesceWebsocketWrites(io);
  let closing = false;
  const transports = guardTransports(io, {
    allowPolling: config.allowPolling,
    closing: () => closing,
  });
  const inFlight = new InFlight();
  const slots = new InProcessSocketSlots();
  const router = new EventRouter(allHandlers(deps.handlerDeps), {
    logger,
    inFlight,
    eventsPerSecondPerSession: config.socketEventsPerSecond,
    eventsPerSecondPerAccount: config.accountEventsPerSecond,
    ...(deps.shared?.eventWindows === undefined
      ? {}
      : { sharedEventWindows: deps.shared.eventWindows }),
    now: deps.now,
    onSessionExpired: (socket) => endSocket(socket, 'expired'),
  });

  io.use(
    handshakeMiddleware({
      sessions: deps.sessions,
      devices: deps.devices,
      slots: deps.shared?.slots ?? slots,
      limiters: deps.shared?.limiters ?? memoryLimiters,
      transports,
      maxSocketsPerAccount: config.maxSocketsPerAccount,
      connectsPerAccountPerMinute: config.socketConnectsPerAccountPerMinute,
      closing: () => closing,
    }),
  );
  io.on('connection', (socket) => router.attach(socket));
  const stopWatching = watchSessions({
    io,
    sessions: deps.sessions,
    revocations: deps.revocations,
    recheckMs: config.sessionRecheckMs,
    logger,
    now: deps.now,
  });

  return {
    io,
    inFlight,
    slots,
    async close(graceMs) {
      closing = true;
      const deadline = performance.now() + graceMs;
      const left = () => Math.max(0, deadline - performance.now());
      stopWatching();
      await inFlight.drain(graceMs);
      if (io.of('/').sockets.size > 0) {
        // Answer what is still on the wire; end early once every client has left on its own.
        const lingerUntil = performance.now() + Math.min(SHUTDOWN_LINGER_MS, left());
        while (io.of('/').sockets.size > 0 && performance.now() < lingerUntil) await sleep(20);
        // Each socket gets a DISCONNECT after its pending acks; its connection closes once flushed.
        const conns = [...io.of('/').sockets.values()].map((socket) => socket.conn);
        // This process's sockets only: with the Redis adapter a plain broadcast would end every
        // other process's sockets too.
        io.local.disconnectSockets(true);
        while (conns.some((conn) => conn.readyState !== 'closed') && left() > 0) await sleep(20);
      }
      await within(io.close(), left());
    },
  };
}
