// Challenge–response login. The server issues a stateless, single-use challenge; the client
// signs it with the Ed25519 authentication key it derives from handle + passphrase, and the
// server verifies the signature against that key's registered public half.
//
// An unknown handle is not revealed, by what is said or by how long it takes: it gets a
// challenge with a stable fake salt, and both issuing and verifying run one code path for every
// handle — the store returns a decoy account record for an unknown handle through the same
// statement and decoding as a real one, and the signature is checked against the decoy's key.
import { SALT_BYTES, toBase64Url, type ChallengeResult, type LoginPayload } from '@kolokol/shared';
import { ed25519KeyPair, verifyLoginChallenge } from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type { AccountRecord, Store } from '../store/ports.js';
import { Challenges } from './challenges.js';
import type { Clock } from './clock.js';
import { hmacSha256, loadServerKey, newId, newRandomBytes } from './secrets.js';

/**
 * The result of checking a login. `guess` tells whether a real attempt at the handle's key was
 * made (a valid challenge for it was spent): only those count against the handle's budget, so
 * nobody can lock a person out with forged or replayed challenges that cost them nothing.
 */
export type LoginOutcome =
  | { readonly ok: true; readonly account: AccountRecord }
  | { readonly ok: false; readonly guess: boolean };

export const LOGIN_FAILED = 'login failed';

/** An account nobody has: its login key's secret half is thrown away at once. */
function decoyAccount(): AccountRecord {
  return {
    id: newId(),
    handle: '',
    role: 'contact',
    signingKey: ed25519KeyPair().publicKey,
    exchangeKey: newRandomBytes(32),
    exchangeSignature: newRandomBytes(64),
    salt: newRandomBytes(SALT_BYTES),
    authKey: ed25519KeyPair().publicKey,
    createdAt: 0,
    suspendedAt: null,
  };
}

export class LoginService {
  readonly #decoy = decoyAccount();
  readonly #challenges: Challenges;
  /** Loaded (created once) at construction, so that issuing a challenge never writes. */
  readonly #fakeSaltKey: Promise<Uint8Array>;

  constructor(private readonly deps: { readonly store: Store; readonly clock: Clock }) {
    this.#challenges = new Challenges(deps);
    this.#fakeSaltKey = loadServerKey(deps.store.meta, 'login.fake-salt-key');
  }

  async issueChallenge(handle: string): Promise<ChallengeResult> {
    const { found, account } = await this.deps.store.accounts.findForLogin(handle, this.#decoy);
    // Computed for every handle: the same work either way.
    const fakeSalt = hmacSha256(await this.#fakeSaltKey, handle).subarray(0, SALT_BYTES);
    const issued = await this.#challenges.issue(handle);
    return {
      challengeId: issued.challengeId,
      nonce: toBase64Url(issued.nonce),
      salt: toBase64Url(found ? account.salt : fakeSalt),
      expiresAt: issued.expiresAt,
    };
  }

  /**
   * Checks a signed challenge. Every failure is the same UNAUTHENTICATED "login failed" to the
   * caller (the transport says so); FORBIDDEN only for a suspended account whose key signed.
   */
  async verify(login: LoginPayload): Promise<LoginOutcome> {
    const nonce = await this.#challenges.redeem(login.handle, login.challengeId);
    if (nonce === undefined) return { ok: false, guess: false };
    const { found, account } = await this.deps.store.accounts.findForLogin(
      login.handle,
      this.#decoy,
    );
    const signatureValid = verifyLoginChallenge(
      account.authKey,
      { handle: login.handle, challengeId: login.challengeId, nonce },
      login.signature,
    );
    if (!found || !signatureValid) return { ok: false, guess: true };
    if (account.suspendedAt !== null) throw new AppError('FORBIDDEN', 'account suspended');
    return { ok: true, account };
  }
}
