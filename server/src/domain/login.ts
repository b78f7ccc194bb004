// Challenge–response login. The server issues a single-use random nonce, the client signs it
// with the Ed25519 authentication key it derives from handle + passphrase, and the server
// verifies the signature against that key's registered public half. An unknown handle is not
// revealed: it gets a challenge with a stable fake salt, and its failure takes the same path
// (store reads and a signature check against a decoy key) and ends in the same error as a bad
// signature.
import {
  NONCE_BYTES,
  SALT_BYTES,
  toBase64Url,
  type ChallengeResult,
  type LoginPayload,
} from '@kolokol/shared';
import { ed25519KeyPair, verifyLoginChallenge } from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type { AccountRecord, Store } from '../store/ports.js';
import type { Clock } from './clock.js';
import { hmacSha256, newId, newRandomBytes } from './secrets.js';

export const CHALLENGE_TTL_MS = 2 * 60 * 1000;
const LOGIN_FAILED = 'login failed';

export class LoginService {
  /** A public key nobody holds the secret of, verified against when the handle is unknown. */
  readonly #decoyKey = ed25519KeyPair().publicKey;
  #fakeSaltKey: Promise<Uint8Array> | undefined;

  constructor(private readonly deps: { readonly store: Store; readonly clock: Clock }) {}

  async issueChallenge(handle: string): Promise<ChallengeResult> {
    const account = await this.deps.store.accounts.findByHandle(handle);
    const fakeSalt = await this.#fakeSalt(handle); // computed for every handle: same work either way
    const salt = account ? account.salt : fakeSalt;
    const now = this.deps.clock.now();
    const challenge = {
      id: newId(),
      handle,
      nonce: newRandomBytes(NONCE_BYTES),
      expiresAt: now + CHALLENGE_TTL_MS,
    };
    await this.deps.store.challenges.create(challenge);
    return {
      challengeId: challenge.id,
      nonce: toBase64Url(challenge.nonce),
      salt: toBase64Url(salt),
      expiresAt: challenge.expiresAt,
    };
  }

  /** The account whose key signed the challenge; UNAUTHENTICATED for every kind of failure. */
  async verify(login: LoginPayload): Promise<AccountRecord> {
    const now = this.deps.clock.now();
    // Always both reads and one signature check, whatever fails first, so timing says nothing.
    const challenge = await this.deps.store.challenges.consume(login.challengeId, now);
    const account = await this.deps.store.accounts.findByHandle(login.handle);
    const nonce = challenge?.nonce ?? new Uint8Array(NONCE_BYTES);
    const signatureValid = verifyLoginChallenge(
      account?.authKey ?? this.#decoyKey,
      { handle: login.handle, challengeId: login.challengeId, nonce },
      login.signature,
    );
    if (!account || !challenge || challenge.handle !== login.handle || !signatureValid) {
      throw new AppError('UNAUTHENTICATED', LOGIN_FAILED);
    }
    if (account.suspendedAt !== null) throw new AppError('FORBIDDEN', 'account suspended');
    return account;
  }

  /** A salt for an unknown handle: stable per handle (so repeated asks match) and unguessable. */
  async #fakeSalt(handle: string): Promise<Uint8Array> {
    this.#fakeSaltKey ??= this.deps.store.meta.getOrCreate('login.fake-salt-key', () =>
      newRandomBytes(32),
    );
    return hmacSha256(await this.#fakeSaltKey, handle).slice(0, SALT_BYTES);
  }
}
