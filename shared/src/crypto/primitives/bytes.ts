// Byte helpers shared by every crypto module: concatenation, checked lengths,
// constant-time comparison and unambiguous, length-prefixed transcripts for signing and KDF input.
import { CryptoError } from './errors.js';
import { sodium } from './sodium.js';
import { isTestRun } from './test-only.js';

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Throws BAD_LENGTH unless `bytes` is exactly `length` long. `what` names the value, never its content. */
export function expectLength(bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new CryptoError('BAD_LENGTH', `${what} must be ${length} bytes`);
  }
  return bytes;
}

/** Constant-time equality for secrets (MACs, keys); different lengths are simply unequal. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 0) return true;
  return sodium.memcmp(a, b);
}

export function utf8(text: string): Uint8Array {
  return sodium.from_string(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return sodium.to_string(bytes);
}

export function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, false);
  return out;
}

export function readU32be(bytes: Uint8Array, offset: number): number {
  if (offset + 4 > bytes.length) throw new CryptoError('MALFORMED', 'truncated integer');
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, false);
}

/**
 * An unambiguous byte string for signatures and KDF inputs: a label, then every
 * field prefixed with its 32-bit length, so no two field lists encode alike.
 */
export function transcript(label: string, ...fields: readonly Uint8Array[]): Uint8Array {
  const labelBytes = utf8(label);
  const parts: Uint8Array[] = [u32be(labelBytes.length), labelBytes];
  for (const field of fields) parts.push(u32be(field.length), field);
  return concatBytes(...parts);
}

/** The Web Crypto CSPRNG, present in every supported browser and in Node ≥ 19 as globalThis.crypto. */
interface WebCryptoRandom {
  getRandomValues<T extends Uint8Array>(array: T): T;
}
const webCrypto = (globalThis as { crypto?: WebCryptoRandom }).crypto;
/** getRandomValues refuses more than 65 536 bytes per call. */
const WEB_CRYPTO_MAX_BYTES = 65_536;

/**
 * Cryptographically secure random bytes. Uses the platform CSPRNG directly: libsodium.js's
 * randombytes_buf reaches the same source byte by byte and costs ≈ 3 µs per byte, which made
 * a fresh nonce cost more than the encryption it protects. libsodium is the fallback.
 */
export function randomBytes(length: number): Uint8Array {
  if (testRandomSource !== null) return testRandomSource(length);
  if (webCrypto === undefined) return sodium.randombytes_buf(length);
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += WEB_CRYPTO_MAX_BYTES) {
    webCrypto.getRandomValues(
      out.subarray(offset, Math.min(length, offset + WEB_CRYPTO_MAX_BYTES)),
    );
  }
  return out;
}

let testRandomSource: ((length: number) => Uint8Array) | null = null;

/**
 * Makes randomBytes deterministic, for frozen known-answer transcripts: call i returns the first
 * `length` bytes of the XChaCha20 keystream under `seed` with nonce = u64(i). Every key, nonce,
 * salt and KEM seed of this library comes from randomBytes, so the same calls give the same bytes.
 * Returns the function that restores the CSPRNG. Throws outside a test run.
 */
export function dangerousTestOnlyDeterministicRandom(seed: Uint8Array): () => void {
  if (!isTestRun()) throw new CryptoError('BAD_KEY', 'deterministic randomness is for tests only');
  expectLength(seed, 32, 'random seed');
  const key = seed.slice();
  let call = 0;
  testRandomSource = (length) => {
    const nonce = new Uint8Array(24);
    new DataView(nonce.buffer).setUint32(4, call, false);
    call += 1;
    return sodium.crypto_stream_xchacha20_xor(new Uint8Array(length), nonce, key);
  };
  return () => {
    testRandomSource = null;
  };
}

/** A uniformly random integer in [0, upperBound), without modulo bias. */
export function randomIndex(upperBound: number): number {
  if (!Number.isInteger(upperBound) || upperBound < 1 || upperBound > 0x1_0000_0000) {
    throw new CryptoError('BAD_LENGTH', 'random bound out of range');
  }
  const limit = 0x1_0000_0000 - (0x1_0000_0000 % upperBound);
  for (;;) {
    const bytes = randomBytes(4);
    const value = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    if (value < limit) return value % upperBound;
  }
}

/** Overwrites a secret that is no longer needed (best effort: JS may hold copies). */
export function wipe(bytes: Uint8Array): void {
  sodium.memzero(bytes);
}
