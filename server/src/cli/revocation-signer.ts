// The revocation signer's commands: a medium-term Ed25519 key, certified by the offline root for
// at most 90 days, that signs the short-lived (48 h) revocation statements clients require. It
// lives in a file sealed under KOLOKOL_SIGNER_PASSPHRASE on an admin's machine (never the server
// host), together with the last statement it issued, so `revoke` always starts from that one:
// a revoked serial cannot be forgotten while its certificate is valid.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fromBase64Url, toBase64Url } from '@kolokol/shared';
import {
  CryptoError,
  ED25519_SECRET_KEY_BYTES,
  MAX_REVOCATION_STATEMENT_LIFETIME_MS,
  USER_PASSPHRASE_COST,
  concatBytes,
  decodeRootPublicKey,
  ed25519KeyPair,
  issueRevocationStatement,
  openKeyStoreWithPassphrase,
  readU32be,
  revocationFloorOf,
  sealKeyStoreWithPassphrase,
  u32be,
  verifyModeratorCertificate,
  verifyRevocationSignerCertificate,
  verifyRevocationStatement,
  type VerifiedRevocationStatement,
} from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import { ORGANISATION_ACCOUNT, keyFileCost, passphraseFrom } from './root-key.js';

const PASSPHRASE_VARIABLE = 'KOLOKOL_SIGNER_PASSPHRASE';
const SIGNER_FILE_VERSION = 1;
/** Warn when the signer certificate has less than this left: time to have the root certify a new key. */
const SIGNER_RENEWAL_WARNING_MS = 14 * 24 * 3600 * 1000;

/** What the sealed signer file holds. */
interface SignerFile {
  readonly secretKey: Uint8Array;
  /** The last statement this signer issued (empty before the first). */
  readonly lastStatement: Uint8Array;
  readonly generation: number;
}

/** Creates a signer key file (refusing to overwrite one); returns the public key for `certify-signer`. */
export async function signerInit(file: string): Promise<string> {
  const cost = keyFileCost(USER_PASSPHRASE_COST);
  const signer = ed25519KeyPair();
  const sealed = seal(
    { secretKey: signer.secretKey, lastStatement: new Uint8Array(0), generation: 1 },
    cost,
  );
  signer.secretKey.fill(0);
  await writeFile(file, sealed, { mode: 0o600, flag: 'wx' });
  return toBase64Url(signer.publicKey);
}

/**
 * A new statement, valid 48 h, listing every unexpired serial of the last statement this signer
 * issued, of `previous` (the published statement: needed once per new signer key; `remembered`
 * uses the file's own; `first` only for a deployment's very first statement) and of the
 * certificates given. Refuses a `previous` that is older than, or leaves out a serial of, the
 * file's last statement: that would be a rollback.
 */
export async function revoke(
  file: string,
  signerCertificateText: string,
  previous: string,
  certificateTexts: readonly string[],
  log: (line: string) => void,
): Promise<string> {
  const root = rootPublicKey();
  const now = Date.now();
  const signerCertificate = bytesOf(signerCertificateText, 'signer certificate');
  const signer = refused(() => verifyRevocationSignerCertificate(root, signerCertificate, { now }));
  const revoking = certificateTexts.map((text) => {
    const certificate = refused(() =>
      verifyModeratorCertificate(root, bytesOf(text, 'certificate'), { now }),
    );
    return { serial: certificate.serial, certificateExpiresAt: certificate.expiresAt };
  });
  const state = await readSignerFile(file);
  const remembered =
    state.lastStatement.length === 0
      ? undefined
      : refused(() =>
          verifyRevocationStatement(root, state.lastStatement, { now, allowStale: true }),
        );
  const basis: VerifiedRevocationStatement[] = remembered ? [remembered] : [];
  if (previous === 'first') {
    if (remembered)
      throw new AppError(
        'BAD_REQUEST',
        'this signer has issued statements: pass remembered or the published statement',
      );
  } else if (previous === 'remembered') {
    if (!remembered)
      throw new AppError(
        'BAD_REQUEST',
        'this signer has issued nothing yet: pass the published statement (or first)',
      );
  } else {
    const given = bytesOf(previous, 'previous statement');
    basis.push(
      refused(() =>
        verifyRevocationStatement(root, given, {
          now,
          allowStale: true,
          ...(remembered ? { floor: revocationFloorOf(remembered) } : {}),
        }),
      ),
    );
  }
  const expiresAt = Math.min(now + MAX_REVOCATION_STATEMENT_LIFETIME_MS, signer.expiresAt);
  const statement = refused(() =>
    issueRevocationStatement(state.secretKey, signerCertificate, {
      issuedAt: now,
      expiresAt,
      revoked: [...basis.flatMap((b) => b.revoked), ...revoking],
    }),
  );
  // Remember it before printing it: the next run starts from here.
  const cost = keyFileCost(USER_PASSPHRASE_COST);
  const next = seal(
    { secretKey: state.secretKey, lastStatement: statement, generation: state.generation + 1 },
    cost,
  );
  state.secretKey.fill(0);
  await writeFile(`${file}.new`, next, { mode: 0o600 });
  await rename(`${file}.new`, file);
  if (signer.expiresAt - now < SIGNER_RENEWAL_WARNING_MS) {
    log(
      `the signer certificate expires ${new Date(signer.expiresAt).toISOString()}: run signer-init and certify-signer for a new key`,
    );
  }
  return toBase64Url(statement);
}

function rootPublicKey(): Uint8Array {
  const text = process.env.KOLOKOL_ROOT_PUBLIC_KEY;
  if (text === undefined) throw new AppError('BAD_REQUEST', 'set KOLOKOL_ROOT_PUBLIC_KEY');
  return refused(() => decodeRootPublicKey(text));
}

function bytesOf(text: string, what: string): Uint8Array {
  const bytes = fromBase64Url(text.trim());
  if (bytes === undefined) throw new AppError('BAD_REQUEST', `${what} is not base64url`);
  return bytes;
}

/** A crypto refusal as a clear CLI error (the messages name no key material). */
function refused<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof CryptoError)
      throw new AppError('BAD_REQUEST', `refused: ${error.message}`);
    throw error;
  }
}

function seal(contents: SignerFile, cost: ReturnType<typeof keyFileCost>): Uint8Array {
  const plaintext = concatBytes(
    Uint8Array.of(SIGNER_FILE_VERSION),
    contents.secretKey,
    u32be(contents.lastStatement.length),
    contents.lastStatement,
  );
  try {
    return sealKeyStoreWithPassphrase(
      passphraseFrom(PASSPHRASE_VARIABLE),
      {
        purpose: 'revocation-signer',
        account: ORGANISATION_ACCOUNT,
        generation: contents.generation,
      },
      plaintext,
      cost,
    );
  } finally {
    plaintext.fill(0);
  }
}

async function readSignerFile(file: string): Promise<SignerFile> {
  const blob = new Uint8Array(await readFile(file));
  let opened: { plaintext: Uint8Array; generation: number };
  try {
    opened = openKeyStoreWithPassphrase(passphraseFrom(PASSPHRASE_VARIABLE), blob, {
      purpose: 'revocation-signer',
      account: ORGANISATION_ACCOUNT,
      minGeneration: 0,
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'FORBIDDEN',
      'cannot open the signer file (wrong passphrase or not a signer file)',
    );
  }
  const { plaintext, generation } = opened;
  const fixed = 1 + ED25519_SECRET_KEY_BYTES + 4;
  if (plaintext.length < fixed || plaintext[0] !== SIGNER_FILE_VERSION)
    throw new AppError('BAD_REQUEST', 'not a signer file');
  const length = readU32be(plaintext, 1 + ED25519_SECRET_KEY_BYTES);
  if (plaintext.length !== fixed + length) throw new AppError('BAD_REQUEST', 'not a signer file');
  return {
    secretKey: plaintext.slice(1, 1 + ED25519_SECRET_KEY_BYTES),
    lastStatement: plaintext.slice(fixed),
    generation,
  };
}
