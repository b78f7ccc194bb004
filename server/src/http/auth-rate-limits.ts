// Rate limits for registration and login, per handle and per client connection
// (rate-limiter-flexible, in memory for one process; Redis when scaled out). The client's
// address is only ever used as an in-memory key, hashed under a per-process random key.
// Per handle, only registrations and *failed* logins count: asking for challenges does not,
// so nobody can lock a person out by merely requesting challenges for their handle.
import { randomBytes } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors.js';
import { hmacSha256 } from '../domain/secrets.js';
import { toBase64Url } from '@kolokol/shared';

export interface AuthRateLimitSettings {
  readonly attemptsPerHandle: number;
  readonly attemptsPerClient: number;
  readonly windowSeconds: number;
}

export class AuthRateLimits {
  readonly #perHandle: RateLimiterMemory;
  readonly #perClient: RateLimiterMemory;
  readonly #addressKey = new Uint8Array(randomBytes(32));
  readonly #handlePoints: number;

  constructor(settings: AuthRateLimitSettings) {
    this.#handlePoints = settings.attemptsPerHandle;
    this.#perHandle = new RateLimiterMemory({
      keyPrefix: 'auth-handle',
      points: settings.attemptsPerHandle,
      duration: settings.windowSeconds,
    });
    this.#perClient = new RateLimiterMemory({
      keyPrefix: 'auth-client',
      points: settings.attemptsPerClient,
      duration: settings.windowSeconds,
    });
  }

  /** Counts one attempt from this client connection; RATE_LIMITED past the limit. */
  async consumeClient(clientAddress: string | undefined): Promise<void> {
    const key = toBase64Url(hmacSha256(this.#addressKey, clientAddress ?? 'unknown'));
    await limited(this.#perClient, key);
  }

  /** Counts one attempt at this handle, whether or not it exists; RATE_LIMITED past the limit. */
  async consumeHandle(handle: string): Promise<void> {
    await limited(this.#perHandle, handle);
  }

  /** RATE_LIMITED if this handle has used up its attempts, without counting one. */
  async assertHandleOpen(handle: string): Promise<void> {
    const used = await this.#perHandle.get(handle);
    if (used !== null && used.consumedPoints >= this.#handlePoints) {
      throw new AppError('RATE_LIMITED', 'too many attempts; try again later');
    }
  }

  /** Counts a failed attempt at this handle (already over the limit is fine: still counted). */
  async recordHandleFailure(handle: string): Promise<void> {
    await this.#perHandle.consume(handle).catch((error: unknown) => {
      if (!(error instanceof RateLimiterRes)) throw error;
    });
  }
}

async function limited(limiter: RateLimiterMemory, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      throw new AppError('RATE_LIMITED', 'too many attempts; try again later');
    }
    throw error;
  }
}
