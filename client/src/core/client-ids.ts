// The clientId of a message this device sends: a prefix that rises with the conversation, then
// 16 random bytes.
//
// The server keeps every message's (conversation, sender, clientId) in a unique index until the
// timer purges it, so that a retry finds its first ack (docs/protocol.md, "Conversations"). With
// random ids every send lands on a random page of that index, and the longer a conversation, the
// more pages its sends dirty and the larger the part of the index the server must hold in memory;
// with a rising prefix each send lands at the end of its conversation's range, on one page
// (docs/relay.md, "Ordered clientIds": about 8 % of the relay's CPU a message).
//
// The prefix is the highest sequence number this device knows in the conversation: what it has
// received and acknowledged, or the seq the server gave its own last message. The server sent or
// was told both, so the prefix tells it nothing it does not hold — unlike a clock (which would
// give away this device's clock skew, a fingerprint) or a count of this device's sends (which
// would outlive the messages the timer purged). The random part alone keeps ids unique.
import { toBase64Url } from '@kolokol/shared';
import { randomBytes } from '@kolokol/shared/crypto';

/** Base-36 digits of the prefix: up to 36⁹ ≈ 10¹⁴ sequence numbers. */
const PREFIX_DIGITS = 9;
const MAX_PREFIX = 36 ** PREFIX_DIGITS - 1;
const RANDOM_BYTES = 16;

/**
 * A new clientId after `knownSeq`. Digits and lower-case letters sort in ASCII as base 36 counts,
 * so ids compare (bytewise, as SQLite's index does) in the order of their prefixes.
 */
export function newClientId(knownSeq: number): string {
  const prefix = Number.isSafeInteger(knownSeq) ? Math.min(Math.max(knownSeq, 0), MAX_PREFIX) : 0;
  return prefix.toString(36).padStart(PREFIX_DIGITS, '0') + toBase64Url(randomBytes(RANDOM_BYTES));
}
