// The shape of a socket event handler: the event it serves, who may call it (role, and whether
// the socket must act as a device), and a function from validated input to result. Handlers
// never see raw payloads; the router parses first.
import type { ClientEventName, EventPayload, EventResult, Role, SocketData } from '@kolokol/shared';
import { AppError } from '../errors.js';
import type { KolokolSocket } from './socket-types.js';

/**
 * Whether the event needs the socket to act as a device (named and proven at the handshake):
 * 'required' for per-device events (prekeys, conversation messages), 'none' for what only a socket without a
 * device may do (reserve one), 'any' (the default) for account-wide events.
 */
export type DeviceRule = 'required' | 'none' | 'any';

export interface HandlerContext {
  readonly caller: SocketData;
  readonly socket: KolokolSocket;
}

export interface EventHandler<E extends ClientEventName> {
  readonly event: E;
  readonly roles: readonly Role[];
  readonly device?: DeviceRule;
  handle(payload: EventPayload<E>, context: HandlerContext): Promise<EventResult<E>>;
}

export type AnyEventHandler = { [E in ClientEventName]: EventHandler<E> }[ClientEventName];

export const EVERY_ROLE: readonly Role[] = ['contact', 'volunteer', 'moderator', 'admin'];

export function defineHandler<E extends ClientEventName>(
  handler: EventHandler<E>,
): EventHandler<E> {
  return handler;
}

/** The caller's device in a handler whose rule is 'required' (the router checked it already). */
export function callerDevice(caller: SocketData): string {
  if (caller.deviceId === null) throw new AppError('FORBIDDEN', 'this event needs a device socket');
  return caller.deviceId;
}
