// Offline commands for the organisation root key. They read and write local files only and
// never open the store or talk to a server: run them on the operator's offline machine.
// The root secret key is kept in a file sealed under a passphrase (Argon2id + XChaCha20-Poly1305);
// the passphrase comes from KOLOKOL_ROOT_PASSPHRASE so it never appears in shell history.
import { readFile, writeFile } from 'node:fs/promises';
import { fromBase64Url, handleSchema, toBase64Url } from '@kolokol/shared';
import {
  ED25519_SECRET_KEY_BYTES,
  PASSPHRASE_MIN_LENGTH,
  dangerousTestOnlyWeakPassphraseCost,
  encodeRootPublicKey,
  generateRootKey,
  issueModeratorCertificate,
  issueRevocationSignerCertificate,
  MAX_REVOCATION_SIGNER_LIFETIME_MS,
  ED25519_PUBLIC_KEY_BYTES,
  openKeyStoreWithPassphrase,
  sealKeyStoreWithPassphrase,
  verifyPublicIdentity,
  type PassphraseCost,
  type PublicIdentity,
} from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import { parseInput } from '../validation.js';

export const DAY_MS = 24 * 3600 * 1000;

/** A passphrase from the environment variable `name`, never from the command line (shell history). */
export function passphraseFrom(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.length < PASSPHRASE_MIN_LENGTH) {
    throw new AppError('BAD_REQUEST', `set ${name} (at least ${PASSPHRASE_MIN_LENGTH} characters)`);
  }
  return value;
}

/**
 * The root key file's Argon2id cost: libsodium's SENSITIVE level (4 passes over 1 GiB, ≈ 7.5 s
 * here), far above the user-level cost, because the file is the one secret that can certify
 * moderators and is kept on a single offline machine where a slow unlock costs nothing. The cost
 * is stored in the file's header, so a later, higher cost needs no new format.
 */
export const ROOT_KEY_COST: PassphraseCost = {
  opsLimit: 4,
  memLimitBytes: 1024 * 1024 * 1024,
};

/** The account binding of the organisation's own key files (they belong to no user account). */
export const ORGANISATION_ACCOUNT = 'organisation';

/**
 * ROOT_KEY_COST, or — only when KOLOKOL_DANGEROUS_TEST_ONLY_FAST_KDF=1 and only inside a test run
 * (dangerousTestOnlyWeakPassphraseCost refuses elsewhere, so the command fails) — 1 pass over
 * 8 MiB, so the CLI tests need not spend 1 GiB and seconds on every command.
 */
export function keyFileCost(base: PassphraseCost): PassphraseCost {
  if (process.env.KOLOKOL_DANGEROUS_TEST_ONLY_FAST_KDF === undefined) return base;
  if (process.env.KOLOKOL_DANGEROUS_TEST_ONLY_FAST_KDF !== '1') {
    throw new AppError('BAD_REQUEST', 'KOLOKOL_DANGEROUS_TEST_ONLY_FAST_KDF must be 1 or unset');
  }
  try {
    return dangerousTestOnlyWeakPassphraseCost();
  } catch {
    throw new AppError('FORBIDDEN', 'KOLOKOL_DANGEROUS_TEST_ONLY_FAST_KDF is for tests only');
  }
}

async function readRootSecretKey(file: string): Promise<Uint8Array> {
  const blob = new Uint8Array(await readFile(file));
  let secretKey: Uint8Array;
  try {
    secretKey = openKeyStoreWithPassphrase(passphraseFrom('KOLOKOL_ROOT_PASSPHRASE'), blob, {
      purpose: 'root-key',
      account: ORGANISATION_ACCOUNT,
      minGeneration: 0,
    }).plaintext;
  } catch {
    throw new AppError(
      'FORBIDDEN',
      'cannot open the root key file (wrong passphrase or not a root key)',
    );
  }
  if (secretKey.length !== ED25519_SECRET_KEY_BYTES)
    throw new AppError('BAD_REQUEST', 'not a root key file');
  return secretKey;
}

/** Creates a root key file (refusing to overwrite one) and returns the public key to pin. */
export async function rootInit(file: string): Promise<string> {
  const cost = keyFileCost(ROOT_KEY_COST);
  const root = generateRootKey();
  const sealed = sealKeyStoreWithPassphrase(
    passphraseFrom('KOLOKOL_ROOT_PASSPHRASE'),
    { purpose: 'root-key', account: ORGANISATION_ACCOUNT, generation: 1 },
    root.secretKey,
    cost,
  );
  root.secretKey.fill(0);
  await writeFile(file, sealed, { mode: 0o600, flag: 'wx' });
  return encodeRootPublicKey(root.publicKey);
}

/** "signingKey.exchangeKey.exchangeSignature", base64url: how a moderator identity travels to the offline machine. */
export function encodeIdentityText(identity: PublicIdentity): string {
  return [identity.signingKey, identity.exchangeKey, identity.exchangeSignature]
    .map(toBase64Url)
    .join('.');
}

export function decodeIdentityText(text: string): PublicIdentity {
  const parts = text.trim().split('.').map(fromBase64Url);
  const [signingKey, exchangeKey, exchangeSignature] = parts;
  const identity =
    parts.length === 3 && signingKey && exchangeKey && exchangeSignature
      ? { signingKey, exchangeKey, exchangeSignature }
      : undefined;
  if (!identity || !verifyPublicIdentity(identity))
    throw new AppError('BAD_REQUEST', 'not a valid identity text');
  return identity;
}

export async function certify(
  file: string,
  rawHandle: string,
  identityText: string,
  days: number,
): Promise<string> {
  if (!Number.isInteger(days) || days < 1 || days > 730)
    throw new AppError('BAD_REQUEST', 'days must be 1..730');
  const handle = parseInput(handleSchema, rawHandle);
  const moderator = decodeIdentityText(identityText);
  const secretKey = await readRootSecretKey(file);
  const issuedAt = Date.now();
  const certificate = issueModeratorCertificate(secretKey, {
    handle,
    moderator,
    issuedAt,
    expiresAt: issuedAt + days * DAY_MS,
  });
  secretKey.fill(0);
  return toBase64Url(certificate);
}

/** Longest a revocation signer is certified for, in days (MAX_REVOCATION_SIGNER_LIFETIME_MS). */
export const MAX_SIGNER_DAYS = MAX_REVOCATION_SIGNER_LIFETIME_MS / DAY_MS;

/**
 * Certifies a revocation signer's public key (printed by `signer-init`) for `days` (1..90): the
 * root's only part in revocation, done offline at most every 90 days.
 */
export async function certifySigner(
  file: string,
  signerKeyText: string,
  days: number,
): Promise<string> {
  if (!Number.isInteger(days) || days < 1 || days > MAX_SIGNER_DAYS)
    throw new AppError('BAD_REQUEST', `days must be 1..${MAX_SIGNER_DAYS}`);
  const signerKey = fromBase64Url(signerKeyText.trim());
  if (signerKey === undefined || signerKey.length !== ED25519_PUBLIC_KEY_BYTES)
    throw new AppError('BAD_REQUEST', 'not a signer public key');
  const secretKey = await readRootSecretKey(file);
  const issuedAt = Date.now();
  try {
    return toBase64Url(
      issueRevocationSignerCertificate(secretKey, {
        signerKey,
        issuedAt,
        expiresAt: issuedAt + days * DAY_MS,
      }),
    );
  } finally {
    secretKey.fill(0);
  }
}
