// The organisation the browser tests' client build trusts: a root key from a fixed, published
// seed (a test fixture, like a test vector: it protects nothing), so one build pins its public key
// (KOLOKOL_ROOT_PUBLIC_KEY, set by the test run's global setup) and every browser test's server
// certifies its moderators with it (browserBoard).
import {
  ed25519KeyPairFromSeed,
  encodeRootPublicKey,
  generateRootKey,
  issueRevocationSignerCertificate,
} from '@kolokol/shared/crypto';
import type { TestOrganisation } from './audit.js';

const DAY = 24 * 60 * 60 * 1000;

/** 32 bytes of 0x4b ('K'): the browser tests' root seed. Never a real organisation's. */
const BROWSER_TEST_ROOT_SEED = new Uint8Array(32).fill(0x4b);

/** The root public key the browser tests' client build pins. */
export function browserTestRootPublicKey(): string {
  return encodeRootPublicKey(ed25519KeyPairFromSeed(BROWSER_TEST_ROOT_SEED).publicKey);
}

/** The browser tests' organisation: the fixed root, and a fresh revocation signer it certified. */
export function browserTestOrganisation(): TestOrganisation {
  const root = ed25519KeyPairFromSeed(BROWSER_TEST_ROOT_SEED);
  const signer = generateRootKey();
  const signerCertificate = issueRevocationSignerCertificate(root.secretKey, {
    signerKey: signer.publicKey,
    issuedAt: Date.now() - DAY,
    expiresAt: Date.now() + 60 * DAY,
  });
  return { root, signer, signerCertificate };
}
