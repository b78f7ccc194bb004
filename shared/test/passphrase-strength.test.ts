// The passphrase strength estimator (zxcvbn-ts + a small Russian list) refuses what the old
// 12-character rule let through, names the problem, and accepts the generated passphrase; the
// registration and rekey helpers refuse a weak passphrase before any key is made.
import { describe, expect, it } from 'vitest';
import {
  GENERATED_PASSPHRASE_BITS,
  GENERATED_PASSPHRASE_WORDS,
  generatePassphrase,
} from '../src/crypto/recovery/generated-passphrase.js';
import {
  MIN_PASSPHRASE_GUESSES_LOG10,
  checkPassphraseStrength,
} from '../src/crypto/recovery/passphrase-strength.js';
import { RECOVERY_WORDLIST } from '../src/crypto/recovery/recovery-words.js';
import { swapKeyboardLayout } from '../src/crypto/recovery/russian-passwords.js';
import { prepareRegistration } from '../src/crypto/recovery/account-setup.js';
import { WeakPassphraseError } from '../src/crypto/recovery/recovery-errors.js';
import { RECOVERY_KIT_TEXT } from '../src/crypto/recovery/recovery-kit-text.js';
import { reasonOf } from './reason-of.js';

describe('checkPassphraseStrength', () => {
  it("refuses 'x' × 12, which the 12-character rule accepted, as too guessable", async () => {
    const strength = await checkPassphraseStrength('x'.repeat(12));
    expect(strength.acceptable).toBe(false);
    expect(strength.problems).toEqual(['TOO_GUESSABLE']);
    expect(strength.guessesLog10).toBeLessThan(MIN_PASSPHRASE_GUESSES_LOG10);
    expect(strength.warning).toMatch(/repeat/i);
  });

  it.each([
    'password1234',
    'qwertyuiop123',
    'iloveyou2024!',
    'Tr0ub4dor&3',
    'пароль123456', // Russian, only the custom list knows it
    'gfhjkm123456', // "пароль" typed on an English layout
    'зфыыцщкв1234', // "password" typed on a Russian layout
    'наташа1990наташа',
    'spartakmoskva2024',
  ])('refuses the common password %j with a reason', async (passphrase) => {
    const strength = await checkPassphraseStrength(passphrase);
    expect(strength.acceptable).toBe(false);
    expect(strength.problems).toContain('TOO_GUESSABLE');
  });

  it('counts the handle and the deployment as known words', async () => {
    const handle = 'vasilisa.premudraya';
    const alone = await checkPassphraseStrength('vasilisapremudraya1');
    const withHandle = await checkPassphraseStrength('vasilisapremudraya1', { handle });
    expect(withHandle.guessesLog10).toBeLessThan(alone.guessesLog10);
    expect(withHandle.acceptable).toBe(false);
  });

  it('refuses too short and too long before estimating', async () => {
    expect((await checkPassphraseStrength('Zq8#v')).problems).toEqual([
      'TOO_SHORT',
      'TOO_GUESSABLE',
    ]);
    expect((await checkPassphraseStrength('a'.repeat(1025))).problems).toEqual(['TOO_LONG']);
  });

  it('accepts a long passphrase of uncommon words, and every generated passphrase', async () => {
    expect(
      (await checkPassphraseStrength('white birch over the frozen river at dawn')).acceptable,
    ).toBe(true);
    for (let i = 0; i < 5; i += 1) {
      const generated = generatePassphrase();
      const strength = await checkPassphraseStrength(generated);
      expect(strength, generated).toMatchObject({ acceptable: true, problems: [] });
    }
  });

  it('has RU and EN text for every problem', () => {
    for (const language of ['ru', 'en'] as const) {
      expect(Object.keys(RECOVERY_KIT_TEXT[language].passphraseProblems).sort()).toEqual([
        'TOO_GUESSABLE',
        'TOO_LONG',
        'TOO_SHORT',
      ]);
    }
  });
});

describe('generatePassphrase', () => {
  it('is 6 words of the 2048-word list: 66 bits', () => {
    expect(GENERATED_PASSPHRASE_WORDS * Math.log2(RECOVERY_WORDLIST.length)).toBe(
      GENERATED_PASSPHRASE_BITS,
    );
    const words = generatePassphrase().split(' ');
    expect(words).toHaveLength(6);
    for (const word of words) expect(RECOVERY_WORDLIST).toContain(word);
    expect(generatePassphrase(8).split(' ')).toHaveLength(8);
    expect(reasonOf(() => generatePassphrase(5))).toBe('BAD_LENGTH');
  });

  it('draws words uniformly: over 6000 words no list word shows up far above its share', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i += 1) {
      for (const word of generatePassphrase().split(' '))
        counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    // 6000 draws from 2048 words: ≈ 2.9 each; a Poisson(2.9) count above 16 is ≈ 1e-7 likely.
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(16);
    expect(counts.size).toBeGreaterThan(1700);
  });
});

describe('keyboard layout swap', () => {
  it('maps Russian typed on QWERTY and back', () => {
    expect(swapKeyboardLayout('GFHJKM')).toBe('пароль');
    expect(swapKeyboardLayout('зфыыцщкв')).toBe('password');
    expect(swapKeyboardLayout(swapKeyboardLayout('ghbdtn'))).toBe('ghbdtn');
  });
});

describe('prepareRegistration refuses a weak passphrase before making anything', () => {
  it('WeakPassphraseError with the strength inside', async () => {
    const refused = await prepareRegistration({
      deployment: 'kolokol-test',
      handle: 'olga.k',
      passphrase: 'x'.repeat(12),
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WeakPassphraseError);
    expect((refused as WeakPassphraseError).reason).toBe('WEAK_PASSPHRASE');
    expect((refused as WeakPassphraseError).strength.problems).toEqual(['TOO_GUESSABLE']);
    expect((refused as WeakPassphraseError).message).not.toContain('xxxx');
  });
});
