// Who may use an engine.io connection id (`sid`). A long-polling client sends its sid in the URL
// of every request, and URLs end up in proxy logs, so a sid alone must never act for anyone.
//
// Websocket only (the default): a client never sends a sid (it opens one websocket, without),
// so any request carrying one is refused — including a websocket "upgrade" that would take
// over someone else's connection.
// With polling allowed (KOLOKOL_ALLOW_POLLING): the handshake request must carry
// `Authorization: Bearer <session token>`, and every later request with the sid — polling GET,
// POST or upgrade — must carry the same token (compared in constant time as SHA-256 digests);
// the CONNECT packet must then authenticate with that token too.
// While the server shuts down, new handshakes are refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { KolokolServer, KolokolSocket } from './socket-types.js';

type EngineSocket = KolokolSocket['conn'];

export interface TransportGuard {
  /** Whether a socket.io handshake on this connection may authenticate with `token`. */
  tokenMatchesConnection(conn: EngineSocket, token: string): boolean;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,128})$/;

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function bearerDigest(req: IncomingMessage): Buffer | undefined {
  const match = BEARER.exec(req.headers.authorization ?? '');
  return match ? digest(match[1]!) : undefined;
}

/** engine.io's connection id; typed private there, but it is the documented `socket.id`. */
function engineId(conn: EngineSocket): string {
  return (conn as unknown as { readonly id: string }).id;
}

export function guardTransports(
  io: KolokolServer,
  options: { readonly allowPolling: boolean; readonly closing: () => boolean },
): TransportGuard {
  /** sid → SHA-256 of the session token a polling connection was opened with. */
  const bound = new Map<string, Buffer>();

  if (options.allowPolling) {
    io.engine.on('connection', (conn: EngineSocket) => {
      if (conn.transport.name !== 'polling') return;
      const sid = engineId(conn);
      const token = bearerDigest(conn.request);
      if (token === undefined) {
        conn.close(); // the middleware below already refused such a handshake
        return;
      }
      bound.set(sid, token);
      conn.once('close', () => bound.delete(sid));
    });
  }

  io.engine.use(
    (req: IncomingMessage, _res: ServerResponse, next: (error?: Error) => void): void => {
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const sid = query.get('sid');
      if (sid === null) {
        if (options.closing()) return next(new Error('shutting down'));
        if (
          options.allowPolling &&
          query.get('transport') === 'polling' &&
          bearerDigest(req) === undefined
        ) {
          return next(new Error('polling needs a bearer token'));
        }
        return next();
      }
      const expected = bound.get(sid);
      const given = bearerDigest(req);
      if (expected === undefined || given === undefined || !timingSafeEqual(expected, given)) {
        return next(new Error('sid not bound to this caller'));
      }
      next();
    },
  );

  return {
    tokenMatchesConnection(conn, token) {
      const expected = bound.get(engineId(conn));
      if (expected === undefined) return conn.transport.name !== 'polling';
      return timingSafeEqual(expected, digest(token));
    },
  };
}
