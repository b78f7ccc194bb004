// The passphrase offered by default: words drawn uniformly and independently from the 2048-word
// BIP-39 English list with the platform CSPRNG (randomIndex: rejection sampling, no modulo bias).
// Its strength is exact, not estimated: 6 × log2(2048) = 66 bits — 2^66 ≈ 7.4 × 10^19 candidates
// for an attacker who knows the scheme and the list, ≈ 7 × 10^8 GPU-years at ≈ 1 700 Argon2id
// guesses per second, half that on average.
import { randomIndex } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import { RECOVERY_WORDLIST } from './recovery-words.js';

export const GENERATED_PASSPHRASE_WORDS = 6;
/** log2(2048) bits per word. */
export const GENERATED_PASSPHRASE_BITS_PER_WORD = 11;
export const GENERATED_PASSPHRASE_BITS =
  GENERATED_PASSPHRASE_WORDS * GENERATED_PASSPHRASE_BITS_PER_WORD;

/** A fresh passphrase of `words` random list words separated by spaces (at least 6). */
export function generatePassphrase(words = GENERATED_PASSPHRASE_WORDS): string {
  if (!Number.isInteger(words) || words < GENERATED_PASSPHRASE_WORDS || words > 24) {
    throw new CryptoError(
      'BAD_LENGTH',
      `a generated passphrase has ${GENERATED_PASSPHRASE_WORDS}..24 words`,
    );
  }
  const chosen: string[] = [];
  for (let i = 0; i < words; i += 1) {
    chosen.push(RECOVERY_WORDLIST[randomIndex(RECOVERY_WORDLIST.length)]!);
  }
  return chosen.join(' ');
}
