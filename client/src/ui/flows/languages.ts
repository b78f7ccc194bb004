// The languages a contact can ask in and a volunteer can answer in: a short list people fleeing
// or staying in Russia speak, named by the browser's own Intl (no catalogue entry needed); each
// one Chromium and Node name in both languages (tests/ui/languages.test.ts).
import type { Locale } from './locale.js';

/** ISO 639-1 codes offered in the pickers, the most asked first. */
export const PICKER_LANGUAGES = [
  'ru',
  'en',
  'uk',
  'be',
  'kk',
  'ky',
  'uz',
  'tg',
  'hy',
  'ka',
  'az',
  'tt',
  'sr',
  'tr',
  'de',
  'fr',
  'es',
  'he',
] as const;

/** A language's name in the person's language ("украинский", "Ukrainian"), or its code. */
export function languageName(code: string, locale: Locale): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
