// Every client→server socket event with its payload and result schemas, and the
// server→client pushes. socket.io's typed-event maps are derived from these.
import { z } from 'zod';
import type { AckCallback } from './ack.js';
import { emptySchema, handleSchema, idSchema, roleSchema } from './common.js';
import { ERROR_CODES } from './errors.js';

interface EventDefinition<I extends z.ZodType, O extends z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** Largest accepted payload, in bytes of its JSON form; larger gets PAYLOAD_TOO_LARGE. */
  readonly maxBytes: number;
  readonly summary: string;
}

function defineEvent<I extends z.ZodType, O extends z.ZodType>(
  definition: EventDefinition<I, O>,
): EventDefinition<I, O> {
  return definition;
}

export const whoAmISchema = z.object({
  accountId: idSchema,
  handle: handleSchema,
  role: roleSchema,
  sessionExpiresAt: z.number().int(),
});

export const clientEvents = {
  'session.whoami': defineEvent({
    input: emptySchema,
    output: whoAmISchema,
    maxBytes: 256,
    summary: 'The caller’s own account and session.',
  }),
} as const;

export type ClientEvents = typeof clientEvents;
export type ClientEventName = keyof ClientEvents;
export type EventInput<E extends ClientEventName> = z.input<ClientEvents[E]['input']>;
export type EventPayload<E extends ClientEventName> = z.output<ClientEvents[E]['input']>;
export type EventResult<E extends ClientEventName> = z.input<ClientEvents[E]['output']>;

export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: EventInput<E>, ack: AckCallback<EventResult<E>>) => void;
};

export const sessionRevokedSchema = z.object({
  /** 'revoked' when the server only knows the session ended (e.g. ended from another process). */
  reason: z.enum(['logout', 'logout_all', 'suspended', 'expired', 'revoked']),
});
export type SessionRevoked = z.infer<typeof sessionRevokedSchema>;

export const protocolErrorSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

export type ProtocolError = z.infer<typeof protocolErrorSchema>;

export interface ServerToClientEvents {
  /** The session ended; the server disconnects the socket right after this. */
  'session.revoked': (event: SessionRevoked) => void;
  /** A client→server event that could not be answered with an ack (it carried no callback). */
  'protocol.error': (error: ProtocolError) => void;
}

/** No server-to-server events yet; the Redis adapter only relays the ones above. */
export type InterServerEvents = Record<never, never>;

/** What the server keeps on each authenticated socket (socket.data). */
export const socketDataSchema = z.object({
  accountId: idSchema,
  handle: handleSchema,
  role: roleSchema,
  sessionId: idSchema,
  sessionExpiresAt: z.number().int(),
});
export type SocketData = z.output<typeof socketDataSchema>;

export function isClientEventName(name: unknown): name is ClientEventName {
  return typeof name === 'string' && Object.hasOwn(clientEvents, name);
}

/** Names of the server→client pushes, for documentation checks and clients that list them. */
export const SERVER_EVENT_NAMES = [
  'session.revoked',
  'protocol.error',
] as const satisfies readonly (keyof ServerToClientEvents)[];
