// Budgets for anonymous authentication that hold behind Tor, where every client arrives from
// 127.0.0.1 and an address says nothing about who is asking (docs/protocol.md, "Limits under Tor"):
//
// - pressure: every anonymous auth request counts on one meter for all clients; past the calm
//   level each challenge and registration must carry a proof of work whose effort rises with
//   the load (effortForLoad). Nobody is locked out: a flood makes people pay, boundedly;
// - per address, a soft signal only: an address past its budget pays proof of work as if under
//   pressure, never a refusal (behind Tor it is everyone's address);
// - per handle: failed logins that were real guesses (a valid challenge spent) count; past the
//   budget the handle is locked for the window; the owner's successful login resets it, and
//   failed registrations never count against it;
// - registrations: a global budget per hour for self-registration.
//
// The per-handle and registration budgets are rate-limiter-flexible limiters: in memory for one
// process, in Redis when several share it (scale/). Pressure and the per-address signal are
// bounded counters kept per process: each process measures the load it carries. Addresses and
// handles are only ever used as keys hashed under a random key (per process, or one per
// deployment kept in Redis). Fixed limits: domain/auth-limits.ts.
import { randomBytes } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { toBase64Url } from '@kolokol/shared';
import { AppError } from '../errors.js';
import { memoryLimiters, type Limiter, type LimiterFactory } from '../scale/limiters.js';
import {
  MAX_TRACKED_ADDRESSES,
  PRESSURE_WINDOW_MS,
  REGISTRATION_WINDOW_MS,
  effortForLoad,
} from '../domain/auth-limits.js';
import { hmacSha256 } from '../domain/secrets.js';
import { AddressCounter, addressBlock } from './address-counter.js';
import { PressureMeter } from './pressure-meter.js';

export interface AuthLimitSettings {
  readonly attemptsPerHandle: number;
  readonly attemptsPerClient: number;
  readonly windowSeconds: number;
  readonly calmRequestsPerMinute: number;
  readonly registrationsPerHour: number;
}

const TOO_MANY = 'too many attempts; try again later';
/** The one key of the global registration budget. */
const REGISTRATIONS_KEY = 'all';
/** The pressure window as a fraction of the minute that the calm level is given per. */
const WINDOW_MINUTES = PRESSURE_WINDOW_MS / 60_000;

function registrationsExhausted(msBeforeNext: number): AppError {
  return new AppError('RATE_LIMITED', 'too many registrations; try again later', {
    retryAfterSeconds: retryAfter(msBeforeNext),
  });
}

function retryAfter(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

export class AuthLimits {
  readonly #pressure = new PressureMeter(PRESSURE_WINDOW_MS);
  readonly #perClient: AddressCounter;
  readonly #perHandle: Limiter;
  readonly #registrations: Limiter;
  readonly #keyKey: Uint8Array;

  constructor(
    private readonly settings: AuthLimitSettings,
    shared: { readonly limiters: LimiterFactory; readonly keyKey: Uint8Array } = {
      limiters: memoryLimiters,
      keyKey: new Uint8Array(randomBytes(32)),
    },
  ) {
    const duration = settings.windowSeconds;
    const limiters = shared.limiters;
    this.#keyKey = shared.keyKey;
    this.#perClient = new AddressCounter(duration * 1000, MAX_TRACKED_ADDRESSES);
    this.#perHandle = limiters({
      keyPrefix: 'auth-handle',
      points: settings.attemptsPerHandle,
      duration,
    });
    this.#registrations = limiters({
      keyPrefix: 'auth-registrations',
      points: settings.registrationsPerHour,
      duration: REGISTRATION_WINDOW_MS / 1000,
    });
  }

  /**
   * Counts one anonymous auth request from this address and returns the proof-of-work effort it
   * must carry (0: none). Never refuses by itself.
   */
  arrive(clientAddress: string | undefined): number {
    const load = this.#pressure.record();
    return this.#effort(load, this.#perClient.record(this.#clientKey(clientAddress)));
  }

  /** The effort a request from this address would have to carry now, counting nothing. */
  effortNow(clientAddress: string | undefined): number {
    return this.#effort(
      this.#pressure.read(),
      this.#perClient.read(this.#clientKey(clientAddress)),
    );
  }

  /** RATE_LIMITED (with Retry-After) if this handle has used up its failed logins. */
  async assertHandleOpen(handle: string): Promise<void> {
    const used = await this.#perHandle.get(this.#key('handle', handle));
    if (used !== null && used.consumedPoints >= this.settings.attemptsPerHandle) {
      throw new AppError('RATE_LIMITED', TOO_MANY, {
        retryAfterSeconds: retryAfter(used.msBeforeNext),
      });
    }
  }

  /** Counts a failed guess at this handle's key (already over the limit is fine: still counted). */
  async recordFailedGuess(handle: string): Promise<void> {
    await this.#perHandle.penalty(this.#key('handle', handle));
  }

  /** The handle's owner logged in: its failed guesses are forgotten. */
  async resetHandle(handle: string): Promise<void> {
    await this.#perHandle.delete(this.#key('handle', handle));
  }

  /**
   * RATE_LIMITED (with Retry-After) if the global self-registration budget is used up, without
   * taking from it: checked before a client's proof of work is spent on a hopeless request.
   */
  async assertRegistrationOpen(): Promise<void> {
    const used = await this.#registrations.get(REGISTRATIONS_KEY);
    if (used !== null && used.consumedPoints >= this.settings.registrationsPerHour) {
      throw registrationsExhausted(used.msBeforeNext);
    }
  }

  /**
   * Takes one self-registration from the global budget, or RATE_LIMITED (with Retry-After).
   * Returns the refund to call when the registration did not create an account, so that failed
   * attempts (a taken handle, a bad proof) never use up the budget.
   */
  async reserveRegistration(): Promise<() => Promise<void>> {
    try {
      await this.#registrations.consume(REGISTRATIONS_KEY);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw registrationsExhausted(error.msBeforeNext);
      throw error;
    }
    return async () => {
      await this.#registrations.reward(REGISTRATIONS_KEY);
    };
  }

  #effort(load: number, usedByClient: number): number {
    return Math.max(
      effortForLoad(load / (this.settings.calmRequestsPerMinute * WINDOW_MINUTES)),
      effortForLoad(usedByClient / this.settings.attemptsPerClient),
    );
  }

  #clientKey(clientAddress: string | undefined): string {
    return this.#key('client', addressBlock(clientAddress ?? 'unknown'));
  }

  #key(kind: string, value: string): string {
    return toBase64Url(hmacSha256(this.#keyKey, `${kind}:${value}`));
  }
}
