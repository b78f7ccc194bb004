// Accounts: self-registration of contacts and volunteers, operator enrolment of moderators
// and admins (suspension is an audited decision: audit/moderation.ts). The server stores public
// keys, the client's salt and a sealed key backup it cannot open: nothing secret.
import {
  ENROLMENT_CODE_BYTES,
  isReservedHandle,
  toBase64Url,
  type RegisterPayload,
  type RegisterResult,
  type RekeyPayload,
  type Role,
} from '@kolokol/shared';
import {
  keyStoreHeader,
  verifyBackupReplacement,
  verifyPublicIdentity,
  verifyRegistration,
  verifyRekeyByCurrentKey,
  verifyRekeyProofOfPossession,
} from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type { AccountRecord, Store } from '../store/ports.js';
import { Challenges, type CheckedChallenge } from './challenges.js';
import type { Clock } from './clock.js';
import { newId, newRandomBytes, sha256 } from './secrets.js';
import type { SessionService } from './sessions.js';

export type EnrolledRole = Extract<Role, 'moderator' | 'admin'>;

/** The CONFLICT message of enrol() when the handle's earlier code is still pending. */
export const PENDING_ENROLMENT = 'handle already has a pending enrolment';

export interface Enrolment {
  readonly code: string;
  readonly expiresAt: number;
  /** True when a pending enrolment for the handle was replaced: its code no longer works. */
  readonly replaced: boolean;
}

export class AccountService {
  /** Made on first use: most users of this service (the admin CLI) never need challenges. */
  #challenges: Challenges | undefined;

  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly sessions: SessionService;
      readonly enrolmentTtlMs: number;
    },
  ) {}

  async register(body: RegisterPayload): Promise<RegisterResult> {
    if (!verifyPublicIdentity(body.identity)) {
      throw new AppError('BAD_REQUEST', 'identity: exchange key is not signed by the signing key');
    }
    if (identityBackupGeneration(body.keyBackup) === undefined) {
      throw new AppError('BAD_REQUEST', NOT_A_BACKUP);
    }
    if (!verifyRegistration(body, body)) {
      throw new AppError(
        'BAD_REQUEST',
        'authSignature/identitySignature: registration proofs do not verify',
      );
    }
    const now = this.deps.clock.now();
    if (body.enrolmentCode === undefined && (await this.#isReserved(body.handle, now))) {
      // The same answer as a taken handle: nothing here is secret, but nothing needs saying.
      throw new AppError('CONFLICT', HANDLE_NOT_AVAILABLE);
    }
    const result = await this.deps.store.accounts.create(
      {
        id: newId(),
        handle: body.handle,
        role: body.role ?? 'contact',
        signingKey: body.identity.signingKey,
        exchangeKey: body.identity.exchangeKey,
        exchangeSignature: body.identity.exchangeSignature,
        salt: body.salt,
        authKey: body.authKey,
        keyBackup: body.keyBackup,
        createdAt: now,
      },
      body.enrolmentCode ? { enrolmentCodeHash: sha256(body.enrolmentCode), now } : { now },
    );
    switch (result.kind) {
      case 'created':
        return { accountId: result.account.id, role: result.account.role };
      case 'handle-taken':
        throw new AppError('CONFLICT', HANDLE_NOT_AVAILABLE);
      case 'enrolment-invalid':
        throw new AppError('FORBIDDEN', 'enrolment code is invalid or expired');
    }
  }

  /**
   * Reserves `handle` for an operator-created account; the code is shown once, stored hashed.
   * A handle whose earlier code is still pending is refused (CONFLICT) unless `replacePending`:
   * re-enrolling voids the earlier code, which the operator must mean to do.
   */
  async enrol(
    handle: string,
    role: EnrolledRole,
    options: { readonly replacePending?: boolean } = {},
  ): Promise<Enrolment> {
    const now = this.deps.clock.now();
    const code = newRandomBytes(ENROLMENT_CODE_BYTES);
    const expiresAt = now + this.deps.enrolmentTtlMs;
    const outcome = await this.deps.store.enrolments.create(
      { handle, role, codeHash: sha256(code), createdAt: now, expiresAt },
      { replacePending: options.replacePending === true },
    );
    switch (outcome) {
      case 'handle-taken':
        throw new AppError('CONFLICT', HANDLE_NOT_AVAILABLE);
      case 'pending':
        throw new AppError('CONFLICT', PENDING_ENROLMENT);
      case 'created':
      case 'replaced':
        return { code: toBase64Url(code), expiresAt, replaced: outcome === 'replaced' };
    }
  }

  /** The sealed identity backup, returned only to a caller that has just logged in. */
  async keyBackup(accountId: string): Promise<Uint8Array> {
    const backup = await this.deps.store.accounts.findKeyBackup(accountId);
    if (!backup) throw new AppError('UNAUTHENTICATED', 'no such account');
    return backup;
  }

  /**
   * Replaces the caller's sealed identity backup (e.g. after adding keys to it), if signed afresh
   * by the account's login key over an unspent challenge for its handle, which this spends:
   * FORBIDDEN otherwise, so a stolen session token alone cannot replace it. A refusal writes
   * nothing (the challenge stays unspent; wrong signatures are bounded by the caller).
   */
  async replaceKeyBackup(
    caller: { readonly accountId: string; readonly handle: string },
    replacement: {
      readonly keyBackup: Uint8Array;
      readonly challengeId: string;
      readonly signature: Uint8Array;
    },
  ): Promise<void> {
    const { keyBackup, challengeId, signature } = replacement;
    // Each replacement claims a higher generation than the stored backup, so neither a stale
    // device nor a replayed upload can put an older backup back (clients also refuse to open
    // one below the generation they recorded). Checked before the challenge is spent.
    const stored = await this.#backupToReplace(caller.accountId, keyBackup);
    const { challenge } = await this.#checkLoginKeySignature(
      caller,
      challengeId,
      (authKey, nonce) =>
        verifyBackupReplacement(
          authKey,
          { handle: caller.handle, challengeId, nonce, keyBackup },
          signature,
        ),
    );
    await this.#spend(challenge);
    // Compare-and-swap on the backup read above: a concurrent replacement wins, this one says so.
    if (!(await this.deps.store.accounts.setKeyBackup(caller.accountId, keyBackup, stored))) {
      throw new AppError('CONFLICT', 'keyBackup: replaced meanwhile; fetch it and try again');
    }
  }

  /**
   * `account.rekey`: replaces salt, login key and backup at once and ends every other session of
   * the account. The backup must claim a higher generation (CONFLICT), the challenge must be
   * unspent and for the caller's handle and the current login key must sign (FORBIDDEN, which the
   * caller counts as a guess), the new key must prove possession (BAD_REQUEST). A refusal writes
   * nothing; the challenge is spent only by a rekey that is then written or lost to a race.
   */
  async rekey(
    caller: { readonly accountId: string; readonly handle: string; readonly sessionId: string },
    rekey: RekeyPayload,
  ): Promise<{ revokedSessions: number }> {
    const stored = await this.#backupToReplace(caller.accountId, rekey.keyBackup);
    const signed = (nonce: Uint8Array) => ({
      handle: caller.handle,
      challengeId: rekey.challengeId,
      nonce,
      salt: rekey.salt,
      authKey: rekey.authKey,
      keyBackup: rekey.keyBackup,
    });
    // The current key's signature is the guess (counted by the caller); the new key's is only
    // a malformed request.
    const { account, challenge } = await this.#checkLoginKeySignature(
      caller,
      rekey.challengeId,
      (authKey, nonce) => verifyRekeyByCurrentKey(authKey, signed(nonce), rekey.signature),
    );
    if (!verifyRekeyProofOfPossession(signed(challenge.nonce), rekey.authSignature)) {
      throw new AppError('BAD_REQUEST', 'authSignature: the new login key does not sign the rekey');
    }
    await this.#spend(challenge);
    // Compare-and-swap on the key and backup read above: a concurrent rekey or backup_put wins.
    const result = await this.deps.store.accounts.rekey(
      caller.accountId,
      { salt: rekey.salt, authKey: rekey.authKey, keyBackup: rekey.keyBackup },
      { authKey: account.authKey, keyBackup: stored },
      { keepSessionId: caller.sessionId, now: this.deps.clock.now() },
    );
    if (result === undefined) {
      throw new AppError('CONFLICT', 'keys changed meanwhile; fetch the backup and try again');
    }
    this.deps.sessions.announceRevoked(result.revokedSessionIds, 'rekeyed');
    return { revokedSessions: result.revokedSessionIds.length };
  }

  /**
   * The stored backup that `keyBackup` may replace: BAD_REQUEST when it is not a sealed identity
   * backup, CONFLICT unless it claims a higher generation than the stored one.
   */
  async #backupToReplace(accountId: string, keyBackup: Uint8Array): Promise<Uint8Array> {
    const generation = identityBackupGeneration(keyBackup);
    if (generation === undefined) throw new AppError('BAD_REQUEST', NOT_A_BACKUP);
    const stored = await this.deps.store.accounts.findKeyBackup(accountId);
    if (!stored) throw new AppError('UNAUTHENTICATED', 'no such account');
    const storedGeneration = identityBackupGeneration(stored) ?? 0;
    if (generation <= storedGeneration) {
      throw new AppError(
        'CONFLICT',
        `keyBackup: generation must be above the stored backup's (${storedGeneration})`,
      );
    }
    return stored;
  }

  /**
   * The account and the checked challenge when `verifies` accepts a fresh signature by the
   * account's current login key over the challenge's nonce: FORBIDDEN when the challenge is not
   * one issued for the caller's handle and unexpired, or the signature does not verify. Spends
   * nothing: the caller spends the challenge (#spend) once all its own checks have passed.
   */
  async #checkLoginKeySignature(
    caller: { readonly accountId: string; readonly handle: string },
    challengeId: string,
    verifies: (authKey: Uint8Array, nonce: Uint8Array) => boolean,
  ): Promise<{ account: AccountRecord; challenge: CheckedChallenge }> {
    const challenge = await this.#loginChallenges().check(caller.handle, challengeId);
    const account = await this.deps.store.accounts.findById(caller.accountId);
    if (!account) throw new AppError('UNAUTHENTICATED', 'no such account');
    if (challenge === undefined || !verifies(account.authKey, challenge.nonce)) {
      throw new AppError('FORBIDDEN', LOGIN_KEY_SIGNATURE_FAILED);
    }
    return { account, challenge };
  }

  /** Spends a challenge #checkLoginKeySignature passed: FORBIDDEN if it was spent before. */
  async #spend(challenge: CheckedChallenge): Promise<void> {
    if (!(await this.#loginChallenges().spend(challenge))) {
      throw new AppError('FORBIDDEN', LOGIN_KEY_SIGNATURE_FAILED);
    }
  }

  #loginChallenges(): Challenges {
    return (this.#challenges ??= new Challenges(this.deps));
  }

  async findByHandle(handle: string): Promise<AccountRecord> {
    const account = await this.deps.store.accounts.findByHandle(handle);
    if (!account) throw new AppError('NOT_FOUND', 'no such account');
    return account;
  }

  /**
   * True when self-registration may not take `handle`: a reserved word or stem, or a look-alike
   * of a staff handle (moderators, admins, pending enrolments). See reserved-handles.ts in shared.
   */
  async #isReserved(handle: string, now: number): Promise<boolean> {
    const staff = [
      ...(await this.deps.store.accounts.staffHandles()),
      ...(await this.deps.store.enrolments.pendingHandles(now)),
    ];
    return isReservedHandle(handle, staff);
  }
}

const HANDLE_NOT_AVAILABLE = 'handle is not available';

const NOT_A_BACKUP = 'keyBackup: not a sealed identity backup';

const LOGIN_KEY_SIGNATURE_FAILED = 'signature by the login key does not verify';

/**
 * The generation an identity backup's header claims, or undefined when the bytes are not a
 * storage-key blob of purpose 'identity-backup'. The server cannot open it; the header is the
 * uploader's claim, which the owner's client authenticates when it opens the backup.
 */
function identityBackupGeneration(bytes: Uint8Array): number | undefined {
  try {
    const header = keyStoreHeader(bytes);
    return header.kind === 'storage-key' && header.purpose === 'identity-backup'
      ? header.generation
      : undefined;
  } catch {
    return undefined;
  }
}
