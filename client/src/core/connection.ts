// One socket.io connection to the server, typed by @kolokol/shared's event maps: the handshake
// (token, protocol version, the device's proof), `call` with every ack parsed by its schema, an
// observable state, reconnection with exponential backoff and jitter (socket.io-client's
// Manager), and the two ways a server ends a session — a refused handshake and `session.revoked`
// — handed to the owner, which may log in again and reopen.
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  errorBodySchema,
  parseEventAck,
  sessionRevokedSchema,
  toBase64Url,
  type ClientEventName,
  type ClientToServerEvents,
  type EventInput,
  type EventOutput,
  type ServerToClientEvents,
  type SessionRevoked,
} from '@kolokol/shared';
import { KolokolError } from './errors.js';
import { CLIENT_LIMITS } from './limits.js';
import { Emitter, Observable } from './observable.js';

/**
 * `connecting`: the first attempt; `connected`; `reconnecting`: the connection dropped (or the
 * server is down) and the next attempt is scheduled with backoff; `offline`: closed, or refused
 * for good — nothing will happen until `open()`.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** What every (re)connection presents: the session token and, once it has one, the device's proof. */
export interface ConnectionCredentials {
  readonly token: string;
  readonly device?: { readonly id: string; readonly signSession: (token: string) => Uint8Array };
}

export interface ConnectionOwner {
  /** Called for each (re)connection attempt: the credentials to present now. */
  credentials(): ConnectionCredentials;
  /**
   * The server refused the handshake (UNAUTHENTICATED for an expired session, RATE_LIMITED, …)
   * or ended the session (`session.revoked`). Resolves true once it is worth connecting again
   * (e.g. after a fresh login), false to stay offline.
   */
  ended(error: KolokolError, revoked?: SessionRevoked['reason']): Promise<boolean>;
}

export type KolokolSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

type PushName = keyof ServerToClientEvents;

export class Connection {
  readonly state = new Observable<ConnectionState>('offline');
  /** Each time the socket (re)connects: the moment to fetch what was missed and flush the outbox. */
  readonly connected = new Emitter<void>();
  /** Refusals and session ends that left the connection offline, for the app to show. */
  readonly failures = new Emitter<KolokolError>();
  readonly #socket: KolokolSocket;
  readonly #owner: ConnectionOwner;

  constructor(url: string, owner: ConnectionOwner) {
    this.#owner = owner;
    // socket.io-client reads a URL's path as a namespace: a server under a sub-path
    // (https://example.org/kolokol, behind a reverse proxy) has its socket at <path>/socket.io/.
    const { origin, pathname } = new URL(url);
    this.#socket = io(origin, {
      path: `${pathname.replace(/\/+$/, '')}/socket.io/`,
      autoConnect: false,
      // Websocket only: polling is off by default on the server (docs/protocol.md).
      transports: ['websocket'],
      reconnection: true,
      reconnectionDelay: CLIENT_LIMITS.reconnectDelayMs,
      reconnectionDelayMax: CLIENT_LIMITS.reconnectDelayMaxMs,
      randomizationFactor: CLIENT_LIMITS.reconnectJitter,
      timeout: CLIENT_LIMITS.callTimeoutMs,
      // A function: each attempt presents the current token and signs it afresh.
      auth: (callback) => callback(this.#handshake()),
    });
    this.#socket.on('connect', () => {
      this.state.set('connected');
      this.connected.emit();
    });
    this.#socket.on('disconnect', () => {
      this.state.set(this.#socket.active ? 'reconnecting' : 'offline');
    });
    this.#socket.on('connect_error', (error: Error & { data?: unknown }) => {
      if (this.#socket.active) {
        this.state.set('reconnecting');
        return;
      }
      // Refused by the server's handshake: socket.io will not retry by itself.
      const body = errorBodySchema.safeParse(error.data);
      const refusal = body.success
        ? KolokolError.fromBody(body.data)
        : new KolokolError('UNAVAILABLE', 'the connection was refused');
      void this.#end(refusal);
    });
    this.#socket.on('session.revoked', (raw: unknown) => {
      const parsed = sessionRevokedSchema.safeParse(raw);
      const reason = parsed.success ? parsed.data.reason : 'revoked';
      // The server disconnects right after this push; decide once it has.
      this.#socket.once('disconnect', () => {
        void this.#end(new KolokolError('UNAUTHENTICATED', `session ended: ${reason}`), reason);
      });
    });
  }

  /** Starts connecting (and reconnecting, until `close`). */
  open(): void {
    if (this.#socket.active) return;
    this.state.set('connecting');
    this.#socket.connect();
  }

  /** Disconnects and stops reconnecting. */
  close(): void {
    this.#socket.disconnect();
    this.state.set('offline');
  }

  /**
   * Closes the transport as a network drop would (for tests and diagnostics): the state goes to
   * `reconnecting` and the socket reconnects by itself, with backoff.
   */
  simulateNetworkDrop(): void {
    this.#socket.io.engine?.close();
  }

  /**
   * Sends `event` and resolves with its result, parsed with the event's schema (byte fields as
   * Uint8Array). A refusal throws KolokolError with the server's code; no connection, or no
   * answer within CLIENT_LIMITS.callTimeoutMs, throws UNAVAILABLE (the call may or may not have
   * reached the server: retry only what is idempotent).
   */
  async call<E extends ClientEventName>(event: E, payload: EventInput<E>): Promise<EventOutput<E>> {
    return (await this.#exchange(event, payload)).parsed;
  }

  /**
   * As `call`, checked against the same schema, but resolves with the result exactly as it
   * arrived (wire form): for verifiers that parse it themselves (verifyModeratorDirectory).
   */
  async callWire<E extends ClientEventName>(event: E, payload: EventInput<E>): Promise<unknown> {
    return (await this.#exchange(event, payload)).wire;
  }

  async #exchange<E extends ClientEventName>(
    event: E,
    payload: EventInput<E>,
  ): Promise<{ parsed: EventOutput<E>; wire: unknown }> {
    if (!this.#socket.connected) throw new KolokolError('UNAVAILABLE', 'not connected');
    let raw: unknown;
    try {
      const untyped = this.#socket.timeout(CLIENT_LIMITS.callTimeoutMs) as unknown as {
        emitWithAck(name: string, body: unknown): Promise<unknown>;
      };
      raw = await untyped.emitWithAck(event, payload);
    } catch (cause) {
      throw new KolokolError('UNAVAILABLE', `${event}: no answer`, { cause });
    }
    let ack: ReturnType<typeof parseEventAck<E>>;
    try {
      ack = parseEventAck(event, raw);
    } catch (cause) {
      throw new KolokolError('INTERNAL', `${event} answered outside the contract`, { cause });
    }
    if (!ack.ok) throw KolokolError.fromBody(ack.error);
    return { parsed: ack.data, wire: (raw as { data: unknown }).data };
  }

  /** Listens to a server push; the listener gets it raw (`unknown`) and parses it with its schema. */
  onPush(event: PushName, listener: (payload: unknown) => void): () => void {
    const untyped = this.#socket as unknown as {
      on(name: string, fn: (payload: unknown) => void): void;
      off(name: string, fn: (payload: unknown) => void): void;
    };
    untyped.on(event, listener);
    return () => untyped.off(event, listener);
  }

  #handshake(): Record<string, unknown> {
    const { token, device } = this.#owner.credentials();
    return device === undefined
      ? { token, protocol: PROTOCOL_VERSION }
      : {
          token,
          protocol: PROTOCOL_VERSION,
          device: { id: device.id, signature: toBase64Url(device.signSession(token)) },
        };
  }

  async #end(error: KolokolError, revoked?: SessionRevoked['reason']): Promise<void> {
    this.state.set('offline');
    let again = false;
    try {
      again = await this.#owner.ended(error, revoked);
    } catch (cause) {
      this.failures.emit(
        cause instanceof KolokolError
          ? cause
          : new KolokolError('UNAVAILABLE', 'could not sign in again', { cause }),
      );
      return;
    }
    if (again) this.open();
    else this.failures.emit(error);
  }
}
