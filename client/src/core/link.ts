// Adding a device by scanning or typing: the protocol has no approval step on the existing device
// (a device joins the list by signing it with the identity, which only a login with passphrase
// and account key opens — docs/protocol.md, "Devices"). So linking is: the existing device shows
// the account key as the link code — the recovery payload text as a QR code, or the 12 words to
// type (`KolokolClient.linkCode`, which asks for the passphrase) — and the new device reads it
// here, then logs in with the passphrase its person types; every device of the account then gets
// `devices.changed` and shows the new one.
import {
  RECOVERY_PAYLOAD_PREFIX,
  parseRecoveryPayload,
  parseRecoveryWords,
} from '@kolokol/shared/crypto';
import { KolokolError } from './errors.js';

/** What a link code gives the new device: the account key, and the handle when the QR carried it. */
export interface ReadLinkCode {
  readonly accountKey: Uint8Array;
  readonly handle?: string;
}

/**
 * Reads a scanned QR text (`KOLOKOL-KEY:…`, for `deployment` only) or the 12 typed words.
 * RecoveryInputError (a CryptoError whose `problem` the UI shows: WORD_COUNT, UNKNOWN_WORD,
 * CHECKSUM, NOT_A_PAYLOAD, UNSUPPORTED_VERSION, WRONG_DEPLOYMENT) for anything else.
 */
export function readLinkCode(text: string, deployment: string): ReadLinkCode {
  if (text.trim().toUpperCase().startsWith(RECOVERY_PAYLOAD_PREFIX)) {
    const payload = parseRecoveryPayload(text, { expectedDeployment: deployment });
    return { accountKey: payload.accountKey, handle: payload.handle };
  }
  return { accountKey: parseRecoveryWords(text) };
}

/** The handle to log in as: the one typed, which must agree with the one a QR code carried. */
export function linkHandle(typed: string | undefined, read: ReadLinkCode): string {
  const handle = typed ?? read.handle;
  if (handle === undefined) {
    throw new KolokolError('BAD_REQUEST', 'typed recovery words need the handle too');
  }
  if (read.handle !== undefined && read.handle !== handle) {
    throw new KolokolError('BAD_REQUEST', 'the link code is for another account');
  }
  return handle;
}
