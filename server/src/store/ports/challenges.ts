// The login-challenge port: single-use nonces.

export interface ChallengeRecord {
  readonly id: string;
  readonly handle: string;
  readonly nonce: Uint8Array;
  readonly expiresAt: number;
}

export interface ChallengeStore {
  create(challenge: ChallengeRecord): Promise<void>;
  /** Deletes and returns the challenge if it exists and has not expired: single use, atomic. */
  consume(id: string, now: number): Promise<ChallengeRecord | undefined>;
  /** Deletes expired challenges; returns how many. */
  purge(now: number): Promise<number>;
}
