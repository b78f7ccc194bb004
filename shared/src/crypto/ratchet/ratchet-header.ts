// The Double Ratchet message header (ratchet public key, previous chain length, message number),
// encrypted under a header key so the server cannot link messages to ratchet steps. Its block
// starts with the message's random nonce, in clear: the header's AEAD nonce, and an input to the
// body's key (ratchet/ratchet.ts).
import { concatBytes, readU32be, u32be } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import {
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  X25519_KEY_BYTES,
  aeadDecrypt,
  aeadEncrypt,
} from '../primitives/primitives.js';

export const HEADER_PLAINTEXT_BYTES = X25519_KEY_BYTES + 4 + 4;
/** Random message nonce ‖ encrypted header ‖ tag. */
export const HEADER_BLOCK_BYTES = AEAD_NONCE_BYTES + HEADER_PLAINTEXT_BYTES + AEAD_TAG_BYTES;

export interface RatchetHeader {
  readonly ratchetKey: Uint8Array;
  readonly previousCount: number;
  readonly messageNumber: number;
}

/**
 * HENCRYPT. The nonce must never repeat under one header key, which lives for a whole chain and
 * survives in every saved copy of the state: the ratchet passes a fresh random one per message.
 */
export function encryptHeader(
  headerKey: Uint8Array,
  nonce: Uint8Array,
  header: RatchetHeader,
  associatedData: Uint8Array,
): Uint8Array {
  const plaintext = concatBytes(
    header.ratchetKey,
    u32be(header.previousCount),
    u32be(header.messageNumber),
  );
  return concatBytes(nonce, aeadEncrypt(headerKey, nonce, plaintext, associatedData));
}

/** The random message nonce at the start of a header block (a view, not a copy). */
export function headerBlockNonce(headerBlock: Uint8Array): Uint8Array {
  return headerBlock.subarray(0, AEAD_NONCE_BYTES);
}

/** HDECRYPT: the header, or null when `headerKey` is not the one it was encrypted under (or it was altered). */
export function decryptHeader(
  headerKey: Uint8Array,
  headerBlock: Uint8Array,
  associatedData: Uint8Array,
): RatchetHeader | null {
  if (headerBlock.length !== HEADER_BLOCK_BYTES) return null;
  let plaintext: Uint8Array;
  try {
    plaintext = aeadDecrypt(
      headerKey,
      headerBlockNonce(headerBlock),
      headerBlock.subarray(AEAD_NONCE_BYTES),
      associatedData,
    );
  } catch (error) {
    if (error instanceof CryptoError && error.reason === 'DECRYPT_FAILED') return null;
    throw error;
  }
  return {
    ratchetKey: plaintext.slice(0, X25519_KEY_BYTES),
    previousCount: readU32be(plaintext, X25519_KEY_BYTES),
    messageNumber: readU32be(plaintext, X25519_KEY_BYTES + 4),
  };
}
