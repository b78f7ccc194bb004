// The recovery kit: the account key as 12 BIP-39 words and as a QR payload. Both round-trip, and
// a mistyped word, a swapped word, a misread payload or another deployment's payload is refused
// with a reason a user interface can show.
import { describe, expect, it } from 'vitest';
import bip39Vectors from './fixtures/bip39-english-128.json' with { type: 'json' };
import { fromBase32, toBase32 } from '../src/encoding/base32.js';
import { newAccountKey } from '../src/crypto/identity/two-secret-keys.js';
import { sodium } from '../src/crypto/primitives/sodium.js';
import {
  RecoveryInputError,
  type RecoveryProblem,
} from '../src/crypto/recovery/recovery-errors.js';
import { RECOVERY_KIT_TEXT } from '../src/crypto/recovery/recovery-kit-text.js';
import { recoveryKit } from '../src/crypto/recovery/recovery-kit.js';
import {
  MAX_RECOVERY_PAYLOAD_CHARS,
  RECOVERY_PAYLOAD_PREFIX,
  encodeRecoveryPayload,
  parseRecoveryPayload,
} from '../src/crypto/recovery/recovery-payload.js';
import {
  RECOVERY_WORDLIST,
  parseRecoveryWords,
  recoveryWords,
} from '../src/crypto/recovery/recovery-words.js';

const hex = (text: string): Uint8Array => sodium.from_hex(text);

/** The problem a recovery input is refused with, or 'accepted'. */
function problemOf(action: () => unknown): RecoveryProblem | 'accepted' {
  try {
    action();
  } catch (error) {
    if (error instanceof RecoveryInputError) return error.problem;
    throw error;
  }
  return 'accepted';
}

const account = { deployment: 'kolokol-test', handle: 'olga.k', accountKey: newAccountKey() };

describe('recovery words (BIP-39 English, 12 words)', () => {
  for (const v of bip39Vectors.cases) {
    it(`maps ${v.entropy} to the reference words and back`, () => {
      expect(recoveryWords(hex(v.entropy)).join(' ')).toBe(v.mnemonic);
      expect(parseRecoveryWords(v.mnemonic)).toEqual(hex(v.entropy));
    });
  }

  it('round-trips a random account key, forgiving case, commas, numbering and 4-letter prefixes', () => {
    const words = recoveryWords(account.accountKey);
    expect(words).toHaveLength(12);
    expect(parseRecoveryWords(words.join(' '))).toEqual(account.accountKey);
    const typed = words.map((word, i) => `${i + 1}. ${word.slice(0, 4).toUpperCase()}`).join(', ');
    expect(parseRecoveryWords(`  ${typed}\n`)).toEqual(account.accountKey);
  });

  it('refuses a mistyped word with its position, a wrong word by the checksum, and a wrong count', () => {
    const words = recoveryWords(account.accountKey);
    const misspelt = [...words];
    misspelt[4] = `${misspelt[4]}x`;
    const error = (() => {
      try {
        parseRecoveryWords(misspelt.join(' '));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RecoveryInputError);
    expect((error as RecoveryInputError).problem).toBe('UNKNOWN_WORD');
    expect((error as RecoveryInputError).wordIndex).toBe(5);
    expect((error as RecoveryInputError).reason).toBe('MALFORMED');
    // The message names the position, never the word.
    expect((error as RecoveryInputError).message).not.toContain(misspelt[4]);

    // Another valid word in place of one: 1 in 16 such changes keeps the checksum, so try until
    // one does not (bounded: the first 64 list words).
    let refused = 0;
    for (const replacement of RECOVERY_WORDLIST.slice(0, 64)) {
      if (replacement === words[11]) continue;
      const changed = [...words.slice(0, 11), replacement];
      if (problemOf(() => parseRecoveryWords(changed.join(' '))) === 'CHECKSUM') refused += 1;
    }
    expect(refused).toBeGreaterThan(40);
    expect(problemOf(() => parseRecoveryWords(words.slice(0, 11).join(' ')))).toBe('WORD_COUNT');
    expect(problemOf(() => parseRecoveryWords(`${words.join(' ')} abandon`))).toBe('WORD_COUNT');
    expect(problemOf(() => parseRecoveryWords('abandon '.repeat(200)))).toBe('WORD_COUNT');
    // "aba" is too short to stand for one word; "ab" begins many.
    expect(problemOf(() => parseRecoveryWords(['aba', ...words.slice(1)].join(' ')))).toBe(
      'UNKNOWN_WORD',
    );
  });
});

describe('recovery payload (QR text)', () => {
  it('round-trips deployment, handle and account key, in QR alphanumeric characters only', () => {
    const text = encodeRecoveryPayload(account);
    expect(text.startsWith(RECOVERY_PAYLOAD_PREFIX)).toBe(true);
    expect(text).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
    expect(text.length).toBeLessThanOrEqual(MAX_RECOVERY_PAYLOAD_CHARS);
    expect(parseRecoveryPayload(text)).toEqual(account);
    expect(
      parseRecoveryPayload(` ${text.toLowerCase()} `, { expectedDeployment: 'kolokol-test' }),
    ).toEqual(account);
  });

  it('the kit carries both forms of one key', () => {
    const kit = recoveryKit(account);
    expect(parseRecoveryWords(kit.words.join(' '))).toEqual(account.accountKey);
    expect(parseRecoveryPayload(kit.payload).accountKey).toEqual(account.accountKey);
    expect(RECOVERY_KIT_TEXT.ru.recoveryProblems.CHECKSUM).toMatch(/[а-я]/);
    expect(RECOVERY_KIT_TEXT.en.steps.length).toBe(RECOVERY_KIT_TEXT.ru.steps.length);
  });

  it('refuses a misread character, another deployment, a later version and anything else', () => {
    const text = encodeRecoveryPayload(account);
    const body = fromBase32(text.slice(RECOVERY_PAYLOAD_PREFIX.length))!;
    // Every single flipped bit of the body is caught (by the checksum, or as not a payload).
    for (let bit = 8; bit < body.length * 8; bit += 7) {
      const flipped = body.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      const problem = problemOf(() =>
        parseRecoveryPayload(RECOVERY_PAYLOAD_PREFIX + toBase32(flipped)),
      );
      expect(['CHECKSUM', 'NOT_A_PAYLOAD']).toContain(problem);
    }
    const later = body.slice();
    later[0] = 2;
    expect(problemOf(() => parseRecoveryPayload(RECOVERY_PAYLOAD_PREFIX + toBase32(later)))).toBe(
      'UNSUPPORTED_VERSION',
    );
    expect(
      problemOf(() => parseRecoveryPayload(text, { expectedDeployment: 'another-deployment' })),
    ).toBe('WRONG_DEPLOYMENT');
    for (const junk of [
      '',
      'KOLOKOL-KEY:',
      'KOLOKOL-KEY:1',
      'hello',
      `${text}A`,
      'x'.repeat(10_000),
    ]) {
      expect(problemOf(() => parseRecoveryPayload(junk))).toBe('NOT_A_PAYLOAD');
    }
    expect(() => encodeRecoveryPayload({ ...account, handle: 'Olga.K' })).toThrow(/canonical/);
    expect(() => encodeRecoveryPayload({ ...account, deployment: 'two words' })).toThrow(
      /deployment/,
    );
  });
});
