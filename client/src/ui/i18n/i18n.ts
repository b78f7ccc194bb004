// The language the client speaks: Russian or English, Russian by default (and listed first), the
// choice kept in localStorage so it survives a reload (panic erases it with everything else).
// Components never hold words: they call t() with a catalogue key.
import { Observable } from '@kolokol/client/core';
import { en } from './en.js';
import { ru, type MessageKey } from './ru.js';

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const CATALOGUES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = {
  ru,
  en,
};

/** localStorage key of the chosen language (the only thing the client keeps there). */
export const LANGUAGE_STORAGE_KEY = 'kolokol.language';

function storedLanguage(): Language | undefined {
  try {
    const stored = localStorage.getItem(LANGUAGE_STORAGE_KEY);
    return LANGUAGES.find((language) => language === stored);
  } catch {
    return undefined; // storage disabled: Russian, and the choice lasts until the tab closes
  }
}

/** The current language; whether the person chose it (else the language screen comes first). */
export const language = new Observable<Language>(storedLanguage() ?? 'ru');
export const languageChosen = new Observable<boolean>(storedLanguage() !== undefined);

export function chooseLanguage(next: Language): void {
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
  } catch {
    // Not kept: asked again next time.
  }
  document.documentElement.lang = next;
  language.set(next);
  languageChosen.set(true);
}

/** The message `key` in the current language, with `{name}` placeholders filled from `values`. */
export function t(key: MessageKey, values: Readonly<Record<string, string | number>> = {}): string {
  return CATALOGUES[language.value][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

export type { MessageKey };
