// What the server can check of an approving moderator's re-wrapped details without opening them:
// that they are the request's sealed envelope with one key slot filled for the volunteer
// (addEnvelopeRecipient) — same size, same header, same sealed body, exactly one slot different —
// so an approval can share the contact's words with the volunteer but never replace them.
import {
  SEALED_ENVELOPE_LAYOUT,
  SEALED_ENVELOPE_SLOTS,
  SEALED_SLOT_BYTES,
  equalBytes,
} from '@kolokol/shared/crypto';
import { AppError } from '../../errors.js';

const NOT_REWRAPPED =
  'details: not the request’s details with one recipient added (addEnvelopeRecipient)';

/** BAD_REQUEST unless `rewrapped` is `stored` with exactly one key slot changed. */
export function checkRewrapped(stored: Uint8Array, rewrapped: Uint8Array): void {
  const { slotsOffset, bodyOffset } = SEALED_ENVELOPE_LAYOUT;
  if (
    stored.length !== rewrapped.length ||
    !equalBytes(stored.subarray(0, slotsOffset), rewrapped.subarray(0, slotsOffset)) ||
    !equalBytes(stored.subarray(bodyOffset), rewrapped.subarray(bodyOffset))
  ) {
    throw new AppError('BAD_REQUEST', NOT_REWRAPPED);
  }
  let changed = 0;
  for (let slot = 0; slot < SEALED_ENVELOPE_SLOTS; slot += 1) {
    const start = slotsOffset + slot * SEALED_SLOT_BYTES;
    const end = start + SEALED_SLOT_BYTES;
    if (!equalBytes(stored.subarray(start, end), rewrapped.subarray(start, end))) changed += 1;
  }
  if (changed !== 1) throw new AppError('BAD_REQUEST', NOT_REWRAPPED);
}
