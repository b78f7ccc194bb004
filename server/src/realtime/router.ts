// The one socket event router. Every incoming event goes through the same steps:
// shape check (known event, one payload, an ack) → size → rate → parse with the event's schema
// → authorise by role → handler → ack. Bad input gets a typed error ack and changes nothing;
// a socket that keeps sending bad input is disconnected.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import {
  clientEvents,
  isClientEventName,
  type Ack,
  type ClientEventName,
  type ErrorBody,
} from '@kolokol/shared';
import { AppError, toErrorBody } from '../errors.js';
import { errorName, type Logger } from '../logger.js';
import { parseInput } from '../validation.js';
import type { AnyEventHandler, EventHandler, HandlerContext } from './handler.js';
import type { InFlight } from './in-flight.js';
import type { KolokolSocket } from './socket-types.js';

/** Bad events a socket may send before it is disconnected as abusive. */
export const MAX_STRIKES = 20;

export interface RouterDeps {
  readonly logger: Logger;
  readonly inFlight: InFlight;
  readonly eventsPerSecond: number;
  readonly now: () => number;
  /** Called when a socket's session has expired mid-connection. */
  readonly onSessionExpired: (socket: KolokolSocket) => void;
}

type AckFunction = (response: Ack<unknown>) => void;

export class EventRouter {
  readonly #handlers = new Map<ClientEventName, AnyEventHandler>();
  readonly #rate: RateLimiterMemory;

  constructor(
    handlers: readonly AnyEventHandler[],
    private readonly deps: RouterDeps,
  ) {
    for (const handler of handlers) {
      if (this.#handlers.has(handler.event)) throw new Error(`two handlers for ${handler.event}`);
      this.#handlers.set(handler.event, handler);
    }
    for (const event of Object.keys(clientEvents)) {
      if (!this.#handlers.has(event as ClientEventName)) throw new Error(`no handler for ${event}`);
    }
    this.#rate = new RateLimiterMemory({
      keyPrefix: 'socket-events',
      points: deps.eventsPerSecond,
      duration: 1,
    });
  }

  attach(socket: KolokolSocket): void {
    let strikes = 0;
    const strike = () => {
      strikes += 1;
      if (strikes >= MAX_STRIKES) {
        this.deps.logger.warn({ strikes }, 'socket disconnected for repeated bad events');
        socket.disconnect(true);
      }
    };
    socket.onAny((event: unknown, ...args: unknown[]) => {
      void this.#dispatch(socket, event, args, strike);
    });
  }

  async #dispatch(
    socket: KolokolSocket,
    event: unknown,
    args: unknown[],
    strike: () => void,
  ): Promise<void> {
    const ack = args.at(-1);
    if (typeof ack !== 'function') {
      strike();
      socket.emit('protocol.error', {
        code: 'BAD_REQUEST',
        message: 'every event needs an ack callback',
      });
      return;
    }
    const reply = ack as AckFunction;
    const started = this.deps.now();
    const name = isClientEventName(event) ? event : 'unknown';
    let outcome: ErrorBody | undefined;
    try {
      if (this.deps.inFlight.draining) throw new AppError('UNAVAILABLE', 'server is shutting down');
      const data = await this.deps.inFlight.track(() =>
        this.#run(socket, event, args.slice(0, -1)),
      );
      reply({ ok: true, data });
    } catch (error) {
      outcome = toErrorBody(error);
      if (outcome.code === 'INTERNAL') {
        this.deps.logger.error({ event: name, errorName: errorName(error) }, 'event failed');
      } else if (
        outcome.code !== 'UNAVAILABLE' &&
        outcome.code !== 'NOT_FOUND' &&
        outcome.code !== 'CONFLICT'
      ) {
        strike();
      }
      reply({ ok: false, error: outcome });
    }
    this.deps.logger.debug(
      { event: name, code: outcome?.code ?? 'OK', ms: this.deps.now() - started },
      'event',
    );
  }

  async #run(socket: KolokolSocket, event: unknown, payloads: unknown[]): Promise<unknown> {
    if (!isClientEventName(event)) throw new AppError('BAD_REQUEST', 'unknown event');
    if (payloads.length !== 1)
      throw new AppError('BAD_REQUEST', 'an event carries exactly one payload');
    const definition = clientEvents[event];
    const payload = payloads[0];
    if (payloadBytes(payload) > definition.maxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `payload exceeds ${definition.maxBytes} bytes`);
    }
    await this.#consumeRate(socket.id);
    const caller = socket.data;
    if (caller.sessionExpiresAt <= this.deps.now()) {
      this.deps.onSessionExpired(socket);
      throw new AppError('UNAUTHENTICATED', 'session expired');
    }
    const handler = this.#handlers.get(event) as EventHandler<typeof event>;
    const input = parseInput(definition.input, payload);
    if (!handler.roles.includes(caller.role))
      throw new AppError('FORBIDDEN', 'not allowed for this role');
    const context: HandlerContext = { caller, socket };
    return handler.handle(input, context);
  }

  async #consumeRate(socketId: string): Promise<void> {
    try {
      await this.#rate.consume(socketId);
    } catch {
      throw new AppError('RATE_LIMITED', 'too many events; slow down');
    }
  }
}

/** Size of a payload as JSON text, in bytes; payloads that cannot be JSON count as too large. */
function payloadBytes(payload: unknown): number {
  try {
    const text = JSON.stringify(payload);
    // Counts UTF-8 bytes without encoding a copy: this runs for every event.
    return text === undefined ? 0 : Buffer.byteLength(text, 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
