// Ends sockets whose session ended: at once for revocations published in this process, and
// by a periodic recheck for expiry and for revocations made elsewhere (the admin CLI, another node).
// The recheck tells the two apart from the socket's own session expiry: a session past it is
// `expired`; one the store no longer counts as live before it is `revoked`.
import type { SessionRevoked } from '@kolokol/shared';
import type { RevocationFeed } from '../domain/revocations.js';
import type { SessionService } from '../domain/sessions.js';
import { errorName, type Logger } from '../logger.js';
import { sessionRoom, type KolokolServer, type KolokolSocket } from './socket-types.js';

export function endSocket(socket: KolokolSocket, reason: SessionRevoked['reason']): void {
  socket.emit('session.revoked', { reason });
  socket.disconnect(true);
}

export function watchSessions(deps: {
  readonly io: KolokolServer;
  readonly sessions: SessionService;
  readonly revocations: RevocationFeed;
  readonly recheckMs: number;
  readonly logger: Logger;
  readonly now: () => number;
}): () => void {
  const { io } = deps;
  const unsubscribe = deps.revocations.subscribe(({ sessionIds, reason }) => {
    for (const id of sessionIds) {
      io.to(sessionRoom(id)).emit('session.revoked', { reason });
      io.in(sessionRoom(id)).disconnectSockets(true);
    }
  });

  let running = false;
  const recheck = async () => {
    if (running || io.of('/').sockets.size === 0) return;
    running = true;
    try {
      const now = deps.now();
      const sockets = [];
      for (const socket of [...io.of('/').sockets.values()]) {
        if (socket.data.sessionExpiresAt <= now) endSocket(socket, 'expired');
        else sockets.push(socket);
      }
      if (sockets.length === 0) return;
      const live = await deps.sessions.filterLive([
        ...new Set(sockets.map((s) => s.data.sessionId)),
      ]);
      const after = deps.now();
      for (const socket of sockets) {
        if (live.has(socket.data.sessionId)) continue;
        endSocket(socket, socket.data.sessionExpiresAt <= after ? 'expired' : 'revoked');
      }
    } catch (error) {
      deps.logger.error({ errorName: errorName(error) }, 'session recheck failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void recheck(), deps.recheckMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
