// Handshake authentication: the protocol version must share our major, the token in
// `auth.token` must name a live session, and the account may not exceed its socket limit.
// Refusals reach the client as connect_error with `data: { code, message }`.
import { PROTOCOL_MAJOR, handshakeAuthSchema, protocolMajor } from '@kolokol/shared';
import type { SessionService } from '../domain/sessions.js';
import { AppError, toErrorBody } from '../errors.js';
import { parseInput } from '../validation.js';
import {
  accountRoom,
  sessionRoom,
  type KolokolServer,
  type KolokolSocket,
} from './socket-types.js';

export interface HandshakeDeps {
  readonly io: KolokolServer;
  readonly sessions: SessionService;
  readonly maxSocketsPerAccount: number;
}

async function authenticate(socket: KolokolSocket, deps: HandshakeDeps): Promise<void> {
  const auth = parseInput(handshakeAuthSchema, socket.handshake.auth);
  if (protocolMajor(auth.protocol) !== PROTOCOL_MAJOR) {
    throw new AppError('UNSUPPORTED_VERSION', `protocol ${PROTOCOL_MAJOR}.x required`);
  }
  const { account, session } = await deps.sessions.authenticate(auth.token);
  const open = await deps.io.in(accountRoom(account.id)).fetchSockets();
  if (open.length >= deps.maxSocketsPerAccount) {
    throw new AppError('RATE_LIMITED', 'too many open connections for this account');
  }
  socket.data = {
    accountId: account.id,
    handle: account.handle,
    role: account.role,
    sessionId: session.id,
    sessionExpiresAt: session.expiresAt,
  };
  await socket.join([accountRoom(account.id), sessionRoom(session.id)]);
}

export function handshakeMiddleware(deps: HandshakeDeps) {
  return (socket: KolokolSocket, next: (error?: Error) => void): void => {
    authenticate(socket, deps).then(
      () => next(),
      (error: unknown) => {
        const body = toErrorBody(error);
        next(Object.assign(new Error(body.message), { data: body }));
      },
    );
  };
}
