// Passphrase strength, estimated on the client with zxcvbn-ts (a maintained TypeScript port of
// Dropbox's zxcvbn) and its common and English dictionaries, plus a small Russian list
// (russian-passwords.ts; no Russian package exists). The server never sees a passphrase, so this
// is the only place one can be refused; prepareRegistration and prepareRekey call it, so a client
// cannot skip it by accident. The dictionaries (≈ 17 MB of heap) load on first use, never in a
// process that only verifies (the server).
import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';
import { PASSPHRASE_MAX_LENGTH, PASSPHRASE_MIN_LENGTH } from '../identity/two-secret-keys.js';
import { RUSSIAN_COMMON_PASSWORDS, swapKeyboardLayout } from './russian-passwords.js';

/**
 * Fewest guesses (log10) the estimator must put on a new passphrase: 10^12. The account key keeps
 * a seized server from guessing at all; this bounds a thief who also holds the account key (a
 * seized device): at ≈ 1 700 Argon2id guesses per second on one GPU, 10^12 guesses take ≈ 19
 * GPU-years. zxcvbn's own top score starts at 10^10.
 */
export const MIN_PASSPHRASE_GUESSES_LOG10 = 12;

export const PASSPHRASE_PROBLEMS = [
  /** Shorter than PASSPHRASE_MIN_LENGTH. */
  'TOO_SHORT',
  /** Longer than PASSPHRASE_MAX_LENGTH. */
  'TOO_LONG',
  /** The estimator finds it guessable in fewer than 10^MIN_PASSPHRASE_GUESSES_LOG10 guesses. */
  'TOO_GUESSABLE',
] as const;
export type PassphraseProblem = (typeof PASSPHRASE_PROBLEMS)[number];

export interface PassphraseStrength {
  readonly acceptable: boolean;
  /** Empty when acceptable. */
  readonly problems: readonly PassphraseProblem[];
  /** The estimator's guesses (log10), the lower of the text as typed and in the other layout. */
  readonly guessesLog10: number;
  /** zxcvbn's 0..4 score of that estimate. */
  readonly score: number;
  /** zxcvbn's feedback (English), for a user interface to show beside the problem. */
  readonly warning: string | null;
  readonly suggestions: readonly string[];
}

/** Words that make a passphrase guessable for this account: they are not secret. */
export interface PassphraseContext {
  readonly handle?: string;
  readonly deployment?: string;
}

let estimator: Promise<ZxcvbnFactory> | undefined;

function loadEstimator(): Promise<ZxcvbnFactory> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, english] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    return new ZxcvbnFactory({
      dictionary: {
        ...common.dictionary,
        ...english.dictionary,
        'russian-common': [...RUSSIAN_COMMON_PASSWORDS],
      },
      graphs: common.adjacencyGraphs,
      translations: english.translations,
    });
  })();
  return estimator;
}

/**
 * Estimates a passphrase chosen for a new account or a rekey. Async because the dictionaries load
 * on first use. Never throws for any string.
 */
export async function checkPassphraseStrength(
  passphrase: string,
  context: PassphraseContext = {},
): Promise<PassphraseStrength> {
  const problems: PassphraseProblem[] = [];
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) problems.push('TOO_SHORT');
  if (passphrase.length > PASSPHRASE_MAX_LENGTH) {
    return { ...NOT_ESTIMATED, problems: ['TOO_LONG'] };
  }
  const zxcvbn = await loadEstimator();
  const userInputs = ['kolokol', 'колокол', context.deployment ?? '', context.handle ?? '']
    // "olga.k" also as "olgak", "olga" and "k": zxcvbn matches user inputs as whole words.
    .flatMap((word) => [word, word.replace(/[._-]/g, ''), ...word.split(/[._-]/)])
    .filter((word) => word !== '');
  const normalised = passphrase.normalize('NFKC');
  const estimates: ZxcvbnResult[] = [
    zxcvbn.check(normalised, userInputs),
    zxcvbn.check(swapKeyboardLayout(normalised), userInputs),
  ];
  const weakest = estimates.reduce((a, b) => (b.guessesLog10 < a.guessesLog10 ? b : a));
  if (weakest.guessesLog10 < MIN_PASSPHRASE_GUESSES_LOG10) problems.push('TOO_GUESSABLE');
  return {
    acceptable: problems.length === 0,
    problems,
    guessesLog10: weakest.guessesLog10,
    score: weakest.score,
    warning: weakest.feedback.warning,
    suggestions: weakest.feedback.suggestions,
  };
}

const NOT_ESTIMATED = {
  acceptable: false,
  guessesLog10: 0,
  score: 0,
  warning: null,
  suggestions: [],
} as const;
