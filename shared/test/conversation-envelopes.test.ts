// The envelope sizes conversations accept are exactly what the crypto produces: the padding
// buckets plus a ratchet message's or a prekey message's overhead, measured on real sessions.
import { describe, expect, it } from 'vitest';
import {
  MIN_RATCHET_MESSAGE_BYTES,
  PADDING_BUCKETS,
  PQXDH_HANDSHAKE_BYTES,
} from '../src/crypto/index.js';
import {
  ENVELOPE_BUCKETS,
  ENVELOPE_SIZES,
  MAX_ENVELOPE_BYTES,
  PREKEY_ENVELOPE_OVERHEAD,
  RATCHET_ENVELOPE_OVERHEAD,
  envelopeSizeProblem,
} from '../src/protocol/conversations.js';

describe('conversation envelope sizes', () => {
  it('are pinned to the crypto’s buckets and message overheads', () => {
    expect(ENVELOPE_BUCKETS).toEqual(PADDING_BUCKETS);
    expect(RATCHET_ENVELOPE_OVERHEAD).toBe(MIN_RATCHET_MESSAGE_BYTES);
    // The format header (4 bytes), the handshake, then a complete ratchet message.
    expect(PREKEY_ENVELOPE_OVERHEAD).toBe(4 + PQXDH_HANDSHAKE_BYTES + MIN_RATCHET_MESSAGE_BYTES);
    expect(MAX_ENVELOPE_BYTES).toBe(65536 + PREKEY_ENVELOPE_OVERHEAD);
    expect(ENVELOPE_SIZES.size).toBe(2 * PADDING_BUCKETS.length);
  });

  it('names what is wrong with any other length', () => {
    expect(envelopeSizeProblem(256 + 100)).toBeNull();
    expect(envelopeSizeProblem(1024 + 1366)).toBeNull();
    expect(envelopeSizeProblem(357)).toBe('not-padded');
    expect(envelopeSizeProblem(1)).toBe('not-padded');
    expect(envelopeSizeProblem(MAX_ENVELOPE_BYTES + 1)).toBe('too-large');
  });
});
