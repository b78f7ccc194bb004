// Handshake authentication: the server must not be shutting down, the protocol version must
// share our major, the token in `auth.token` must name a live session (and, on a polling
// connection, be the token its requests carry), the device in `auth.device` must be a current
// device of the account proven by its device key over the token (a session bound to a device
// must name it; the first socket that names one binds the session to it for good), and the
// account must be within its budget of new connections per minute and of open sockets. The socket slot is claimed in one step with
// the check and given back when the socket disconnects or its connection closes first.
// Refusals reach the client as connect_error with `data: { code, message }`.
import { RateLimiterRes } from 'rate-limiter-flexible';
import { PROTOCOL_MAJOR, handshakeAuthSchema, protocolMajor } from '@kolokol/shared';
import type { DeviceService } from '../domain/devices.js';
import type { SessionService } from '../domain/sessions.js';
import { AppError, toErrorBody } from '../errors.js';
import { parseInput } from '../validation.js';
import type { Limiter, LimiterFactory } from '../scale/limiters.js';
import type { SocketSlots } from './socket-slots.js';
import type { TransportGuard } from './transport-guard.js';
import { isStaff } from '../domain/channel-policy.js';
import {
  STAFF_ROOM,
  accountRoom,
  deviceRoom,
  sessionRoom,
  type KolokolSocket,
} from './socket-types.js';

export interface HandshakeDeps {
  readonly sessions: SessionService;
  readonly devices: DeviceService;
  readonly slots: SocketSlots;
  readonly transports: TransportGuard;
  readonly maxSocketsPerAccount: number;
  readonly connectsPerAccountPerMinute: number;
  readonly limiters: LimiterFactory;
  readonly closing: () => boolean;
}

async function authenticate(
  socket: KolokolSocket,
  deps: HandshakeDeps,
  connects: Limiter,
): Promise<void> {
  if (deps.closing()) throw new AppError('UNAVAILABLE', 'server is shutting down');
  const auth = parseInput(handshakeAuthSchema, socket.handshake.auth);
  if (protocolMajor(auth.protocol) !== PROTOCOL_MAJOR) {
    throw new AppError('UNSUPPORTED_VERSION', `protocol ${PROTOCOL_MAJOR}.x required`);
  }
  if (!deps.transports.tokenMatchesConnection(socket.conn, auth.token)) {
    throw new AppError('UNAUTHENTICATED', 'session invalid or expired');
  }
  const { account, session } = await deps.sessions.authenticate(auth.token);
  const deviceId = await deps.devices.deviceForSocket(account, session, auth.device);
  try {
    await connects.consume(account.id);
  } catch (error) {
    // Anything but a refusal is the shared store failing (UNAVAILABLE), passed on as it is.
    if (!(error instanceof RateLimiterRes)) throw error;
    throw new AppError('RATE_LIMITED', 'too many new connections for this account');
  }
  const claim = await deps.slots.claim(account.id, deps.maxSocketsPerAccount);
  if (claim === undefined) {
    throw new AppError('RATE_LIMITED', 'too many open connections for this account');
  }
  if (socket.conn.readyState !== 'open') {
    // The client left while we looked it up: nothing will ever close this socket.
    claim.release();
    throw new AppError('UNAVAILABLE', 'connection closed');
  }
  // Whichever comes first; a socket that never completes its connect only closes its connection.
  socket.conn.once('close', () => claim.release());
  socket.once('disconnect', () => {
    claim.release();
    // One socket per connection (the parser refuses a second CONNECT): nothing left to carry.
    socket.conn.close();
  });
  socket.data = {
    accountId: account.id,
    handle: account.handle,
    role: account.role,
    sessionId: session.id,
    deviceId,
    sessionExpiresAt: session.expiresAt,
    accountCreatedAt: account.createdAt,
  };
  const rooms = [accountRoom(account.id), sessionRoom(session.id)];
  if (isStaff(account.role)) rooms.push(STAFF_ROOM);
  await socket.join(deviceId === null ? rooms : [...rooms, deviceRoom(deviceId)]);
}

export function handshakeMiddleware(deps: HandshakeDeps) {
  const connects = deps.limiters({
    keyPrefix: 'socket-connects',
    points: deps.connectsPerAccountPerMinute,
    duration: 60,
  });
  return (socket: KolokolSocket, next: (error?: Error) => void): void => {
    authenticate(socket, deps, connects).then(
      () => next(),
      (error: unknown) => {
        const body = toErrorBody(error);
        next(Object.assign(new Error(body.message), { data: body }));
      },
    );
  };
}
