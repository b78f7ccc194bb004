// Safety numbers with a peer, as a person compares them: the 60 digits to read aloud, the code a
// QR shows (`KOLOKOL-SN:` + base32, crypto.md §4), and a comparison with what was scanned from
// the peer's screen or typed from it (the code, or the digits). Computed from the identity this
// device pinned for the peer at first contact, never one the server presents now.
import {
  SAFETY_NUMBER_DIGITS,
  encodeSafetyNumberText,
  equalBytes,
  matchesScannedSafetyNumber,
  parseSafetyNumberText,
  publicIdentity,
  safetyNumber,
  utf8,
  type Identity,
  type PublicIdentity,
  type SafetyNumber,
} from '@kolokol/shared/crypto';
import { KolokolError } from './errors.js';

/** A safety number as the app shows it: `digits`, `display`, and `code` for the QR. */
export interface ShownSafetyNumber extends SafetyNumber {
  readonly code: string;
}

export class SafetyNumbers {
  constructor(
    private readonly identity: Identity,
    private readonly pinned: (peer: string) => PublicIdentity | undefined,
  ) {}

  /** With a peer this device has talked to; NOT_FOUND before first contact. */
  of(peer: string): ShownSafetyNumber {
    const theirs = this.pinned(peer);
    if (theirs === undefined) {
      throw new KolokolError('NOT_FOUND', 'no identity pinned for this peer yet: talk first');
    }
    const number = safetyNumber(publicIdentity(this.identity), theirs);
    return { ...number, code: encodeSafetyNumberText(number) };
  }

  /**
   * True when what the person scanned from the peer's screen (the QR code's text) or typed (the
   * code, or the 60 digits with any spaces) is this device's safety number with them; false is a
   * mismatch to show loudly. CryptoError MALFORMED or UNSUPPORTED_VERSION for a text that is
   * neither (constant-time comparison either way).
   */
  compare(peer: string, scanned: string): boolean {
    const ours = this.of(peer);
    const digits = scanned.replace(/\s+/g, '');
    if (/^\d+$/.test(digits)) {
      return digits.length === SAFETY_NUMBER_DIGITS && equalBytes(utf8(digits), utf8(ours.digits));
    }
    return matchesScannedSafetyNumber(ours, parseSafetyNumberText(scanned));
  }
}
