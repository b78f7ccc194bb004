// Shared set-up for the revocation and moderator-directory tests: a root, a revocation signer it
// certified, and statements that signer issues.
import {
  generateIdentity,
  publicIdentity,
  type Identity,
} from '../src/crypto/identity/identity.js';
import {
  issueRevocationSignerCertificate,
  issueRevocationStatement,
  type RevokedCertificate,
} from '../src/crypto/trust/revocation.js';
import { generateRootKey, issueModeratorCertificate } from '../src/crypto/trust/trust-chain.js';
import type { KeyPair } from '../src/crypto/primitives/primitives.js';

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
export const NOW = Date.UTC(2026, 10, 27);

export interface Organisation {
  root: KeyPair;
  signer: KeyPair;
  signerCertificate: Uint8Array;
}

export function organisation(signerIssuedAt = NOW - 10 * DAY): Organisation {
  const root = generateRootKey();
  const signer = generateRootKey();
  const signerCertificate = issueRevocationSignerCertificate(root.secretKey, {
    signerKey: signer.publicKey,
    issuedAt: signerIssuedAt,
    expiresAt: signerIssuedAt + 60 * DAY,
  });
  return { root, signer, signerCertificate };
}

export function statement(
  org: Organisation,
  revoked: readonly (RevokedCertificate & { certificateExpiresAt: number })[],
  issuedAt = NOW - HOUR,
  lifetime = 48 * HOUR,
): Uint8Array {
  return issueRevocationStatement(org.signer.secretKey, org.signerCertificate, {
    issuedAt,
    expiresAt: issuedAt + lifetime,
    revoked,
  });
}

export function moderatorCertificate(
  org: Organisation,
  handle: string,
  options: {
    rootKey?: Uint8Array;
    serial?: Uint8Array;
    issuedAt?: number;
    expiresAt?: number;
    /** The certified moderator's identity; a fresh one by default. */
    identity?: Identity;
  } = {},
): Uint8Array {
  return issueModeratorCertificate(options.rootKey ?? org.root.secretKey, {
    handle,
    moderator: publicIdentity(options.identity ?? generateIdentity()),
    issuedAt: options.issuedAt ?? NOW - DAY,
    expiresAt: options.expiresAt ?? NOW + 30 * DAY,
    ...(options.serial ? { serial: options.serial } : {}),
  });
}
