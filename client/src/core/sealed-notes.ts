// Sealed texts a moderator's client writes and reads: notes on a decision sealed to the verified
// moderators (only their SHA-256 is signed, as the statement's `noteDigest`), and opening what
// was sealed to the moderators — a request's details, a decision's note, a report's note — with
// this device's envelope prekeys. An envelope that does not open is shown as such (its crypto
// reason), never thrown: one bad item must not hide the rest of a queue.
import { toBase64Url } from '@kolokol/shared';
import {
  CryptoError,
  fromUtf8,
  openEnvelope,
  sealEnvelope,
  utf8,
  type EnvelopePrekeyStore,
  type Identity,
} from '@kolokol/shared/crypto';
import { digestOf } from './decisions.js';
import { KolokolError } from './errors.js';
import type { Moderators } from './moderators.js';

/** A sealed text opened on this device, or why it did not open. */
export type OpenedText =
  | { readonly text: string; readonly senderSigningKey: Uint8Array }
  | { readonly text: null; readonly problem: string };

/** A note sealed to the verified moderators under `context`, with its digest for the statement. */
export async function sealNote(
  moderators: Moderators,
  identity: Identity,
  text: string,
  context: Uint8Array,
): Promise<{ note: string; noteDigest: Uint8Array }> {
  const sealed = sealEnvelope(utf8(text), identity, await moderators.recipients(), {
    context,
    now: Date.now(),
  });
  return { note: toBase64Url(sealed), noteDigest: digestOf(sealed) };
}

/**
 * Opens `sealed` under `context` with the envelope prekeys (BAD_REQUEST for an account that
 * holds none: contacts); with `expectedSender`, a text sealed by anyone else does not open.
 */
export function openText(
  prekeys: EnvelopePrekeyStore | undefined,
  sealed: Uint8Array,
  context: Uint8Array,
  expectedSender?: Uint8Array,
): OpenedText {
  if (prekeys === undefined) {
    throw new KolokolError('BAD_REQUEST', 'this account opens no sealed envelopes');
  }
  try {
    const opened = openEnvelope(sealed, prekeys.openingKeys(), {
      context,
      ...(expectedSender === undefined ? {} : { expectedSenderSigningKey: expectedSender }),
    });
    return { text: fromUtf8(opened.plaintext), senderSigningKey: opened.senderSigningKey };
  } catch (error) {
    return { text: null, problem: error instanceof CryptoError ? error.reason : 'MALFORMED' };
  }
}
