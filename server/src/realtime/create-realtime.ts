// The socket.io server: typed by shared's event maps, with a deliberate message size limit,
// the Origin allowlist, handshake authentication and the one event router.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Config } from '../config/config.js';
import type { RevocationFeed } from '../domain/revocations.js';
import type { SessionService } from '../domain/sessions.js';
import type { Logger } from '../logger.js';
import { allHandlers, type HandlerDeps } from './handlers/index.js';
import { handshakeMiddleware } from './handshake.js';
import { InFlight } from './in-flight.js';
import { originCheck } from './origin-check.js';
import { EventRouter } from './router.js';
import { endSocket, watchSessions } from './session-watch.js';
import type { KolokolServer } from './socket-types.js';

export interface Realtime {
  readonly io: KolokolServer;
  readonly inFlight: InFlight;
  /** Stops new events, waits for in-flight acks (bounded), then closes every socket. */
  close(graceMs: number): Promise<void>;
}

export function createRealtime(
  httpServer: HttpServer,
  deps: {
    readonly config: Config;
    readonly logger: Logger;
    readonly sessions: SessionService;
    readonly revocations: RevocationFeed;
    readonly handlerDeps: HandlerDeps;
    readonly now: () => number;
  },
): Realtime {
  const io: KolokolServer = new Server(httpServer, {
    // The largest envelope a client may send in one message; larger closes the connection.
    maxHttpBufferSize: deps.config.maxSocketMessageBytes,
    allowRequest: originCheck(deps.config.allowedOrigins),
    cors: { origin: [...deps.config.allowedOrigins], credentials: false },
    serveClient: false,
    connectTimeout: 10_000,
  });
  const inFlight = new InFlight();
  const router = new EventRouter(allHandlers(deps.handlerDeps), {
    logger: deps.logger,
    inFlight,
    eventsPerSecond: deps.config.socketEventsPerSecond,
    now: deps.now,
    onSessionExpired: (socket) => endSocket(socket, 'expired'),
  });

  io.use(
    handshakeMiddleware({
      io,
      sessions: deps.sessions,
      maxSocketsPerAccount: deps.config.maxSocketsPerAccount,
    }),
  );
  io.on('connection', (socket) => router.attach(socket));
  const stopWatching = watchSessions({
    io,
    sessions: deps.sessions,
    revocations: deps.revocations,
    recheckMs: deps.config.sessionRecheckMs,
    logger: deps.logger,
  });

  return {
    io,
    inFlight,
    async close(graceMs) {
      stopWatching();
      await inFlight.drain(graceMs);
      await io.close();
    },
  };
}
