// The account port: registration (with or without an operator's enrolment code), lookup,
// suspension and the sealed key backup.
import type { Role } from '@kolokol/shared';

export interface AccountRecord {
  readonly id: string;
  readonly handle: string;
  readonly role: Role;
  readonly signingKey: Uint8Array;
  readonly exchangeKey: Uint8Array;
  readonly exchangeSignature: Uint8Array;
  /** Argon2id salt chosen by the client; served back at login. Not secret. */
  readonly salt: Uint8Array;
  /**
   * Passphrase-derived Ed25519 login key. Never served to anyone: with the salt it would let
   * them test passphrase guesses offline.
   */
  readonly authKey: Uint8Array;
  readonly createdAt: number;
  readonly suspendedAt: number | null;
}

export interface LoginLookup {
  readonly found: boolean;
  readonly account: AccountRecord;
}

export type CreateAccountResult =
  | { readonly kind: 'created'; readonly account: AccountRecord }
  | { readonly kind: 'handle-taken' }
  | { readonly kind: 'enrolment-invalid' };

export interface NewAccount extends Omit<AccountRecord, 'role' | 'suspendedAt'> {
  /** Role for self-registration; ignored when an enrolment code is given (the enrolment decides). */
  readonly role: Role;
  /** The identity secrets sealed under the passphrase-derived storage key (opaque). */
  readonly keyBackup: Uint8Array;
}

export interface AccountStore {
  /**
   * Atomically creates an account. A handle with a pending (unexpired) enrolment can only be
   * taken with that enrolment's code hash, which is consumed and sets the role; a code hash
   * that matches no pending enrolment for the handle gives 'enrolment-invalid'.
   */
  create(
    account: NewAccount,
    options: { readonly enrolmentCodeHash?: Uint8Array; readonly now: number },
  ): Promise<CreateAccountResult>;
  findByHandle(handle: string): Promise<AccountRecord | undefined>;
  /**
   * For login and challenges: the account with this handle (`found: true`), or else `decoy`
   * (`found: false`), read by one statement and decoded by one path either way, so that an
   * unknown handle costs what a known one does and timing does not tell them apart.
   */
  findForLogin(handle: string, decoy: AccountRecord): Promise<LoginLookup>;
  /** Handles of every moderator and admin account: self-registration may not imitate them. */
  staffHandles(): Promise<string[]>;
  findById(id: string): Promise<AccountRecord | undefined>;
  /** The ids among `ids` that name an account not suspended, read by one statement. */
  activeAmong(ids: readonly string[]): Promise<Set<string>>;
  /** Sets or clears suspension alone; false when no such account. */
  setSuspended(id: string, suspendedAt: number | null): Promise<boolean>;
  /**
   * Suspends the account and revokes every live session it has, in one atomic write, and returns
   * the revoked session ids (none when it was suspended already; the first time is kept).
   * Undefined when no such account.
   */
  suspend(id: string, at: number): Promise<{ readonly revokedSessionIds: string[] } | undefined>;
  /**
   * The sealed identity backup. Read only at login, so the up-to-8-KiB blob is not loaded with
   * every account lookup on the hot paths (session checks, message sends).
   */
  findKeyBackup(id: string): Promise<Uint8Array | undefined>;
  /**
   * Replaces the sealed identity backup if the stored one is still exactly `expected`
   * (compare-and-swap); false when no such account or the backup changed meanwhile.
   */
  setKeyBackup(id: string, keyBackup: Uint8Array, expected: Uint8Array): Promise<boolean>;
  /**
   * `account.rekey`: replaces salt, login key and sealed backup together if the stored login key
   * and backup are still exactly `expected` (compare-and-swap), and revokes every live session of
   * the account but `keepSessionId`, in one atomic write. Returns the revoked session ids;
   * undefined (nothing written) when no such account or either changed meanwhile.
   */
  rekey(
    id: string,
    replacement: AccountSecrets,
    expected: Pick<AccountSecrets, 'authKey' | 'keyBackup'>,
    options: { readonly keepSessionId: string; readonly now: number },
  ): Promise<{ readonly revokedSessionIds: string[] } | undefined>;
}

/** What `account.rekey` replaces: everything the server holds that the two secrets made. */
export interface AccountSecrets {
  readonly salt: Uint8Array;
  readonly authKey: Uint8Array;
  readonly keyBackup: Uint8Array;
}
