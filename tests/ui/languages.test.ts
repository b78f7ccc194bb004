// The languages the pickers offer are named, not shown as bare codes, in both of the client's
// languages (Intl.DisplayNames; Node and Chromium share ICU's data).
import { describe, expect, it } from 'vitest';
import { PICKER_LANGUAGES, languageName } from '../../client/src/ui/flows/languages.js';

describe('the language pickers', () => {
  it('name every offered language in Russian and English', () => {
    for (const locale of ['ru', 'en'] as const) {
      for (const code of PICKER_LANGUAGES) {
        expect(languageName(code, locale), `${code} in ${locale}`).not.toBe(code);
      }
    }
    expect(languageName('uk', 'ru')).toBe('украинский');
    expect(languageName('uk', 'en')).toBe('Ukrainian');
  });
});
