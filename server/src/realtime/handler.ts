// The shape of a socket event handler: the event it serves, who may call it, and a function
// from validated input to result. Handlers never see raw payloads; the router parses first.
import type { ClientEventName, EventPayload, EventResult, Role, SocketData } from '@kolokol/shared';
import type { KolokolSocket } from './socket-types.js';

export interface HandlerContext {
  readonly caller: SocketData;
  readonly socket: KolokolSocket;
}

export interface EventHandler<E extends ClientEventName> {
  readonly event: E;
  readonly roles: readonly Role[];
  handle(payload: EventPayload<E>, context: HandlerContext): Promise<EventResult<E>>;
}

export type AnyEventHandler = { [E in ClientEventName]: EventHandler<E> }[ClientEventName];

export const EVERY_ROLE: readonly Role[] = ['contact', 'volunteer', 'moderator', 'admin'];

export function defineHandler<E extends ClientEventName>(
  handler: EventHandler<E>,
): EventHandler<E> {
  return handler;
}
