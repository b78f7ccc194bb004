// Store ports: the only way the domain reaches persistent state. Adapters (sqlite, later
// mongo) implement these and pass one contract suite (tests/store/contract.ts).
// Every method is async so that a networked adapter fits; times are ms since the epoch.
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
  /** The identity secrets sealed under the passphrase-derived storage key (opaque). */
  readonly keyBackup: Uint8Array;
  readonly createdAt: number;
  readonly suspendedAt: number | null;
}

export type CreateAccountResult =
  | { readonly kind: 'created'; readonly account: AccountRecord }
  | { readonly kind: 'handle-taken' }
  | { readonly kind: 'enrolment-invalid' };

export interface NewAccount extends Omit<AccountRecord, 'role' | 'suspendedAt'> {
  /** Role for self-registration; ignored when an enrolment code is given (the enrolment decides). */
  readonly role: Role;
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
  findById(id: string): Promise<AccountRecord | undefined>;
  /** Sets or clears suspension; false when no such account. */
  setSuspended(id: string, suspendedAt: number | null): Promise<boolean>;
  /** Replaces the sealed identity backup; false when no such account. */
  setKeyBackup(id: string, keyBackup: Uint8Array): Promise<boolean>;
}

export interface EnrolmentRecord {
  readonly handle: string;
  readonly role: Role;
  readonly codeHash: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface EnrolmentStore {
  /**
   * Reserves a handle for an operator-created account. 'handle-taken' when an account has the
   * handle; an existing enrolment for the handle is replaced (a new code voids the old one).
   */
  create(enrolment: EnrolmentRecord): Promise<'created' | 'handle-taken'>;
  findByHandle(handle: string, now: number): Promise<EnrolmentRecord | undefined>;
}

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
  /** Of the given ids, those that are neither revoked nor expired at `now`. */
  filterLive(ids: readonly string[], now: number): Promise<Set<string>>;
  /** Deletes sessions that expired or were revoked before `before`; returns how many. */
  purge(before: number): Promise<number>;
}

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

export interface MetaStore {
  /**
   * The value stored under `name`, or — atomically, once across processes — `create()`'s
   * value stored and returned. Used for server-side secrets such as the fake-salt key.
   */
  getOrCreate(name: string, create: () => Uint8Array): Promise<Uint8Array>;
}

export interface StoredPrekey {
  readonly id: number;
  readonly publicKey: Uint8Array;
  /** Ed25519 signature by the owner's identity key; empty for one-time prekeys. */
  readonly signature: Uint8Array;
}

export interface TakenBundle {
  readonly signedPrekey: StoredPrekey;
  readonly kemPrekey: StoredPrekey;
  /** One one-time prekey, removed from the store by this very call; absent when none is left. */
  readonly oneTimePrekey?: StoredPrekey;
  /** One-time prekeys left after this call. */
  readonly oneTimeRemaining: number;
}

export interface PrekeyStore {
  /** Replaces the account's signed X25519 prekey and signed ML-KEM prekey (rotation). */
  setSignedPrekeys(
    accountId: string,
    prekeys: { readonly signed: StoredPrekey; readonly kem: StoredPrekey; readonly now: number },
  ): Promise<void>;
  /**
   * Adds one-time prekeys, all or none: 'duplicate' if any id is already stored for the
   * account, 'too-many' if the account would then hold more than `maxTotal`.
   */
  addOneTimePrekeys(
    accountId: string,
    prekeys: readonly StoredPrekey[],
    maxTotal: number,
  ): Promise<'added' | 'duplicate' | 'too-many'>;
  /**
   * The account's bundle with one one-time prekey (lowest id) consumed atomically: two
   * concurrent callers never get the same one. Undefined when no signed prekeys were uploaded.
   */
  takeBundle(accountId: string): Promise<TakenBundle | undefined>;
  countOneTimePrekeys(accountId: string): Promise<number>;
  /** The current signed prekeys without consuming anything; undefined before the first upload. */
  findSignedPrekeys(
    accountId: string,
  ): Promise<{ readonly signed: StoredPrekey; readonly kem: StoredPrekey } | undefined>;
}

export interface ModeratorCertificateRecord {
  readonly accountId: string;
  /** Certificate serial as printed by the admin CLI (hex or base64url text). */
  readonly serial: string;
  /** The root-signed certificate, opaque to the server. */
  readonly bytes: Uint8Array;
  readonly expiresAt: number;
  readonly createdAt: number;
}

export interface RevocationListRecord {
  readonly issuedAt: number;
  /** The root-signed revocation list, opaque to the server. */
  readonly bytes: Uint8Array;
}

export interface CertificateStore {
  /** Stores a certificate; a newer one for the same account is served from then on. */
  putModeratorCertificate(certificate: ModeratorCertificateRecord): Promise<void>;
  /** The most recently stored certificate of an account. */
  findModeratorCertificate(accountId: string): Promise<ModeratorCertificateRecord | undefined>;
  listModeratorCertificates(): Promise<ModeratorCertificateRecord[]>;
  /** Stores the list only if it is newer than the current one; 'stale' otherwise. */
  putRevocationList(list: RevocationListRecord): Promise<'stored' | 'stale'>;
  latestRevocationList(): Promise<RevocationListRecord | undefined>;
}

export interface DirectMessageRecord {
  readonly id: string;
  readonly senderId: string;
  readonly recipientId: string;
  /** Sender-chosen id; (senderId, clientId) is unique, which makes a retried send idempotent. */
  readonly clientId: string;
  /** End-to-end-encrypted envelope, opaque to the server. */
  readonly body: Uint8Array;
  readonly createdAt: number;
}

export type PutDirectMessageResult =
  | { readonly kind: 'created'; readonly message: DirectMessageRecord }
  /** The same (senderId, clientId) was stored before: that earlier record, unchanged. */
  | { readonly kind: 'duplicate'; readonly message: DirectMessageRecord }
  /** The recipient's mailbox (or this sender's share of it) is full; nothing stored. */
  | { readonly kind: 'full' };

/**
 * Interim store-and-forward mailbox for end-to-end-encrypted direct messages (issue 3), until
 * conversations with gapless sequences replace it. Messages are deleted once acknowledged.
 */
export interface DirectMessageStore {
  /**
   * 'full' when the recipient already has `maxPending` undelivered messages, or — when given —
   * `maxPendingFromSender` of them from this sender (so one sender cannot fill a mailbox for all).
   */
  put(
    message: DirectMessageRecord,
    maxPending: number,
    maxPendingFromSender?: number,
  ): Promise<PutDirectMessageResult>;
  /** Undelivered messages for a recipient, oldest first (by createdAt, then id), at most `limit`. */
  listForRecipient(recipientId: string, limit: number): Promise<DirectMessageRecord[]>;
  /** Deletes those of `ids` addressed to `recipientId`; returns how many were deleted. */
  deleteForRecipient(recipientId: string, ids: readonly string[]): Promise<number>;
}

export interface Store {
  readonly accounts: AccountStore;
  readonly enrolments: EnrolmentStore;
  readonly sessions: SessionStore;
  readonly challenges: ChallengeStore;
  readonly meta: MetaStore;
  readonly prekeys: PrekeyStore;
  readonly certificates: CertificateStore;
  readonly directMessages: DirectMessageStore;
  /** Resolves when the store answers a trivial query; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
