// The recovery payload: what the recovery kit's QR code (and an existing device's "add a device"
// QR code) carries — deployment, handle and account key, versioned and checksummed — as text in
// a QR code's alphanumeric mode (upper-case base32 after a fixed prefix), so browser scanners that
// return text (BarcodeDetector's rawValue) read it losslessly and it stays small (version 4, M).
//
//   text = "KOLOKOL-KEY:" ‖ base32(body)
//   body = u8 version (1) ‖ u8 n ‖ deployment n ‖ u8 m ‖ handle m ‖ accountKey 16 ‖ check 4
//   check = SHA-256(transcript("kolokol/v1/recovery-payload", prefix ‖ body before check))[0..4)
//
// Rendering the QR code is the client's job (any QR encoder; `qrcode` from npm is tested with it).
import { fromBase32, toBase32 } from '../../encoding/base32.js';
import {
  concatBytes,
  equalBytes,
  expectLength,
  fromUtf8,
  transcript,
  utf8,
} from '../primitives/bytes.js';
import { ByteReader } from '../primitives/byte-reader.js';
import { CryptoError } from '../primitives/errors.js';
import { label } from '../primitives/format.js';
import { sodium } from '../primitives/sodium.js';
import {
  ACCOUNT_KEY_BYTES,
  checkCanonicalHandle,
  checkDeployment,
} from '../identity/two-secret-keys.js';
import { RecoveryInputError } from './recovery-errors.js';

export const RECOVERY_PAYLOAD_PREFIX = 'KOLOKOL-KEY:';
export const RECOVERY_PAYLOAD_VERSION = 1;
const CHECK_BYTES = 4;
/** Longest payload text: 64-byte deployment and handle fields, key and check, in base32. */
export const MAX_RECOVERY_PAYLOAD_CHARS =
  RECOVERY_PAYLOAD_PREFIX.length + Math.ceil(((1 + 1 + 64 + 1 + 64 + 16 + CHECK_BYTES) * 8) / 5);

/** What a recovery payload carries: enough for a new device to log in with the passphrase. */
export interface RecoveryPayload {
  readonly deployment: string;
  readonly handle: string;
  readonly accountKey: Uint8Array;
}

function check(body: Uint8Array): Uint8Array {
  return sodium
    .crypto_hash_sha256(transcript(label('recovery-payload'), utf8(RECOVERY_PAYLOAD_PREFIX), body))
    .slice(0, CHECK_BYTES);
}

export function encodeRecoveryPayload(payload: RecoveryPayload): string {
  const deployment = utf8(checkDeployment(payload.deployment));
  const handle = utf8(checkCanonicalHandle(payload.handle));
  expectLength(payload.accountKey, ACCOUNT_KEY_BYTES, 'account key');
  const body = concatBytes(
    Uint8Array.of(RECOVERY_PAYLOAD_VERSION, deployment.length),
    deployment,
    Uint8Array.of(handle.length),
    handle,
    payload.accountKey,
  );
  return RECOVERY_PAYLOAD_PREFIX + toBase32(concatBytes(body, check(body)));
}

/**
 * Reads a scanned or typed payload (surrounding spaces and lower case forgiven). With
 * `expectedDeployment`, a payload for another deployment is WRONG_DEPLOYMENT. RecoveryInputError
 * with NOT_A_PAYLOAD, UNSUPPORTED_VERSION or CHECKSUM otherwise.
 */
export function parseRecoveryPayload(
  text: string,
  options: { readonly expectedDeployment?: string } = {},
): RecoveryPayload {
  if (text.length > MAX_RECOVERY_PAYLOAD_CHARS + 16) throw notAPayload();
  const upper = text.trim().toUpperCase();
  if (!upper.startsWith(RECOVERY_PAYLOAD_PREFIX)) throw notAPayload();
  const bytes = fromBase32(upper.slice(RECOVERY_PAYLOAD_PREFIX.length));
  if (bytes === undefined || bytes.length < 1 + CHECK_BYTES) throw notAPayload();
  if (bytes[0] !== RECOVERY_PAYLOAD_VERSION) {
    throw new RecoveryInputError('UNSUPPORTED_VERSION', 'recovery payload of an unknown version');
  }
  const body = bytes.subarray(0, bytes.length - CHECK_BYTES);
  if (!equalBytes(check(body), bytes.subarray(bytes.length - CHECK_BYTES))) {
    throw new RecoveryInputError('CHECKSUM', 'recovery payload checksum does not match');
  }
  let payload: RecoveryPayload;
  try {
    const reader = new ByteReader(body.subarray(1));
    const deployment = checkDeployment(fromUtf8(reader.take(reader.u8())));
    const handle = checkCanonicalHandle(fromUtf8(reader.take(reader.u8())));
    const accountKey = reader.take(ACCOUNT_KEY_BYTES);
    reader.end();
    payload = { deployment, handle, accountKey };
  } catch (error) {
    if (error instanceof CryptoError) throw notAPayload();
    throw error;
  }
  if (
    options.expectedDeployment !== undefined &&
    payload.deployment !== options.expectedDeployment
  ) {
    throw new RecoveryInputError(
      'WRONG_DEPLOYMENT',
      'this recovery payload is for another deployment',
    );
  }
  return payload;
}

function notAPayload(): RecoveryInputError {
  return new RecoveryInputError('NOT_A_PAYLOAD', 'not a Kolokol recovery payload');
}
