// The one socket event router. Every incoming event goes through the same steps:
// shape check (known event, one payload, an ack) → size → rate → parse with the event's schema
// → authorise by role and device → handler → ack. Bad input gets a typed error ack and changes nothing;
// a socket that keeps sending bad input is disconnected. An event answered after its session
// expired is followed by `session.revoked` and a disconnect — after the ack, never instead.
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
import { EventWindows } from './event-windows.js';
import type { AnyEventHandler, DeviceRule, EventHandler, HandlerContext } from './handler.js';
import type { InFlight } from './in-flight.js';
import { receivedDataBytes } from './json-only-parser.js';
import { MAX_STRIKES } from './limits.js';
import type { SharedEventWindows } from '../scale/shared-state.js';
import type { KolokolSocket } from './socket-types.js';

export interface RouterDeps {
  readonly logger: Logger;
  readonly inFlight: InFlight;
  /** Events per second for one session, across all of its sockets. */
  readonly eventsPerSecondPerSession: number;
  /** Events per second for one account, across all of its sessions and sockets. */
  readonly eventsPerSecondPerAccount: number;
  /** Both windows in Redis, shared by every process; unset: the synchronous windows here. */
  readonly sharedEventWindows?: SharedEventWindows;
  readonly now: () => number;
  /** Called, after the ack, when an event was answered after its socket's session expired. */
  readonly onSessionExpired: (socket: KolokolSocket) => void;
}

type AckFunction = (response: Ack<unknown>) => void;

const SECOND_MS = 1000;

export class EventRouter {
  readonly #handlers = new Map<ClientEventName, AnyEventHandler>();
  readonly #sessionRate: EventWindows;
  readonly #accountRate: EventWindows;

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
    // Keyed on the session and the account, not the socket: reconnecting buys no new budget.
    this.#sessionRate = new EventWindows(deps.eventsPerSecondPerSession, SECOND_MS);
    this.#accountRate = new EventWindows(deps.eventsPerSecondPerAccount, SECOND_MS);
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
    // A socket middleware, not onAny: it sees the argument list itself, whose received size the
    // parser recorded. It never calls `next`, so nothing else handles events.
    socket.use((args) => {
      void this.#dispatch(socket, args, strike);
    });
  }

  async #dispatch(socket: KolokolSocket, args: unknown[], strike: () => void): Promise<void> {
    const [event, ...rest] = args;
    const ack = rest.at(-1);
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
        this.#run(socket, event, rest.slice(0, -1), receivedDataBytes(args)),
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
    if (socket.data.sessionExpiresAt <= this.deps.now()) this.deps.onSessionExpired(socket);
    // Checked first: at the usual level no line is written, so none is built (the relay's hot path).
    if (this.deps.logger.isLevelEnabled('debug')) {
      this.deps.logger.debug(
        { event: name, code: outcome?.code ?? 'OK', ms: this.deps.now() - started },
        'event',
      );
    }
  }

  async #run(
    socket: KolokolSocket,
    event: unknown,
    payloads: unknown[],
    dataBytes: number | undefined,
  ): Promise<unknown> {
    if (!isClientEventName(event)) throw new AppError('BAD_REQUEST', 'unknown event');
    if (payloads.length !== 1)
      throw new AppError('BAD_REQUEST', 'an event carries exactly one payload');
    const definition = clientEvents[event];
    if (payloadBytes(event, dataBytes) > definition.maxBytes) {
      throw new AppError('PAYLOAD_TOO_LARGE', `payload exceeds ${definition.maxBytes} bytes`);
    }
    const caller = socket.data;
    // The session first: a device refused for its own burst does not spend its account's budget.
    const shared = this.deps.sharedEventWindows;
    const admitted =
      shared === undefined
        ? this.#sessionRate.take(caller.sessionId) && this.#accountRate.take(caller.accountId)
        : await shared.take(caller.sessionId, caller.accountId);
    if (!admitted) {
      throw new AppError('RATE_LIMITED', 'too many events; slow down');
    }
    if (caller.sessionExpiresAt <= this.deps.now()) {
      throw new AppError('UNAUTHENTICATED', 'session expired');
    }
    const handler = this.#handlers.get(event) as EventHandler<typeof event>;
    const input = parseInput(definition.input, payloads[0]);
    if (!handler.roles.includes(caller.role))
      throw new AppError('FORBIDDEN', 'not allowed for this role');
    checkDeviceRule(handler.device ?? 'any', caller.deviceId);
    const context: HandlerContext = { caller, socket };
    return handler.handle(input, context);
  }
}

/** Per-device events need a device socket; reserving a device needs a socket without one. */
function checkDeviceRule(rule: DeviceRule, deviceId: string | null): void {
  if (rule === 'required' && deviceId === null) {
    throw new AppError('FORBIDDEN', 'this event needs a device: name it in the handshake');
  }
  if (rule === 'none' && deviceId !== null) {
    throw new AppError('FORBIDDEN', 'this event is for a socket that names no device');
  }
}

/**
 * A payload's size in bytes of JSON as the client sent it: the event's JSON data text,
 * `["<event>",<payload>]`, less that framing. Measured by the parser from the received text,
 * never by re-serialising (which would expand it).
 */
function payloadBytes(event: ClientEventName, dataBytes: number | undefined): number {
  // Only a server built without the JSON-only parser gets here; fail closed, as INTERNAL.
  if (dataBytes === undefined) throw new Error('event size unknown: parser not installed');
  return dataBytes - (event.length + '["",]'.length);
}
