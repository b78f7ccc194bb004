// The account key as 12 words of the BIP-39 English list (@scure/bip39, audited): 128 bits plus a
// 4-bit checksum, so a mistyped word is caught before any key is derived. English words only: no
// maintained Russian BIP-39 list exists; the instructions around them are in Russian and English
// (recovery-kit-text.ts).
import { entropyToMnemonic, mnemonicToEntropy } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { expectLength } from '../primitives/bytes.js';
import { ACCOUNT_KEY_BYTES } from '../identity/two-secret-keys.js';
import { RecoveryInputError } from './recovery-errors.js';

/** 128-bit account key + 4-bit checksum = 132 bits = 12 words of 11 bits. */
export const RECOVERY_WORD_COUNT = 12;
/** Every English BIP-39 word is fixed by its first four letters, so those are enough to type. */
export const RECOVERY_WORD_PREFIX_LETTERS = 4;
/** Longest recovery-words input read: 12 words of at most 8 letters, with generous separators. */
export const MAX_RECOVERY_WORDS_INPUT = 1024;

/** The BIP-39 English list (2048 words), for autocompletion and the generated passphrase. */
export const RECOVERY_WORDLIST: readonly string[] = wordlist;

/** The 12 words for an account key, in order. */
export function recoveryWords(accountKey: Uint8Array): string[] {
  expectLength(accountKey, ACCOUNT_KEY_BYTES, 'account key');
  return entropyToMnemonic(accountKey, wordlist).split(' ');
}

/**
 * The account key from typed words: case, extra spaces, commas and numbering ("1." …) are
 * forgiven; a word may be shortened to its first four letters or more. RecoveryInputError with
 * WORD_COUNT, UNKNOWN_WORD (and its position) or CHECKSUM otherwise.
 */
export function parseRecoveryWords(text: string): Uint8Array {
  if (text.length > MAX_RECOVERY_WORDS_INPUT) {
    throw new RecoveryInputError('WORD_COUNT', 'too much text for 12 recovery words');
  }
  const typed = text
    .normalize('NFKD')
    .toLowerCase()
    .split(/[\s,;]+/)
    .filter((token) => token !== '' && !/^\d+[.)]?$/.test(token));
  if (typed.length !== RECOVERY_WORD_COUNT) {
    throw new RecoveryInputError(
      'WORD_COUNT',
      `expected ${RECOVERY_WORD_COUNT} recovery words, got ${typed.length}`,
    );
  }
  const words = typed.map((token, index) => {
    const word = completeWord(token);
    if (word === undefined) {
      throw new RecoveryInputError(
        'UNKNOWN_WORD',
        `recovery word ${index + 1} is not in the word list`,
        index + 1,
      );
    }
    return word;
  });
  try {
    return mnemonicToEntropy(words.join(' '), wordlist);
  } catch {
    // Every word is known, so what is left is the BIP-39 checksum.
    throw new RecoveryInputError('CHECKSUM', 'the recovery words do not add up: check each one');
  }
}

/** The list word a typed token stands for: itself, or the one word it begins (4+ letters). */
function completeWord(token: string): string | undefined {
  if (WORDS.has(token)) return token;
  if (token.length < RECOVERY_WORD_PREFIX_LETTERS) return undefined;
  const matches = wordlist.filter((word) => word.startsWith(token));
  return matches.length === 1 ? matches[0] : undefined;
}

const WORDS = new Set(wordlist);
