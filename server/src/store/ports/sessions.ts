// The session port: bearer sessions stored by token hash, each bound to at most one device.

export interface SessionRecord {
  readonly id: string;
  readonly accountId: string;
  /** The device the session acts as, set once by its first socket that names one; null before. */
  readonly deviceId: string | null;
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
  /**
   * Binds the session to `deviceId` if it is bound to no device yet, or already to that one, and
   * the device is a current device of the session's account; in one atomic step, so a device
   * removed meanwhile cannot be bound. True when the session is now bound to `deviceId`.
   */
  bindDevice(sessionId: string, deviceId: string): Promise<boolean>;
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
