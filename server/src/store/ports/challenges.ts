// The login-challenge port. Challenges are stateless (a MAC under a server key, see
// domain/challenges.ts): issuing one writes nothing. Only a redeemed challenge's random id is
// kept — never the handle — until it expires, so that each challenge is redeemed once.

export interface ChallengeStore {
  /**
   * Marks the challenge with this random id spent until `expiresAt`. True the first time; false
   * when it was spent already (single use, atomic across concurrent callers and processes).
   */
  spend(id: string, expiresAt: number): Promise<boolean>;
  /** Forgets spent ids whose challenges expired at or before `now`; returns how many. */
  purge(now: number): Promise<number>;
}
