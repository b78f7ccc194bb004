// The session port: bearer sessions stored by token hash.

export interface SessionRecord {
  readonly id: string;
  readonly accountId: string;
  /** SHA-256 of the bearer token; the token itself is never stored. */
  readonly tokenHash: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  /** The session with this token hash, whatever its state; callers check expiry and revocation. */
  findByTokenHash(tokenHash: Uint8Array): Promise<SessionRecord | undefined>;
  /** Marks one session revoked; false when it does not exist or was already revoked. */
  revoke(id: string, at: number): Promise<boolean>;
  /** Revokes every live session of an account and returns their ids. */
  revokeAllForAccount(accountId: string, at: number): Promise<string[]>;
  /**
   * Of the given ids, those that are neither revoked nor expired at `now` and whose account is
   * not suspended: a suspension ends its sessions even where no revocation was written.
   */
  filterLive(ids: readonly string[], now: number): Promise<Set<string>>;
  /** Deletes sessions that expired or were revoked before `before`; returns how many. */
  purge(before: number): Promise<number>;
}
