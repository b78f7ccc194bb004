// Russian or English, from every screen; the choice is kept (i18n.ts).
import { useObservable } from '../hooks/use-observable.js';
import { chooseLanguage, language, LANGUAGES, t, type Language } from '../i18n/i18n.js';

export function LanguageSwitch() {
  const current = useObservable(language);
  return (
    <label class="language-switch">
      <span class="visually-hidden">{t('language.label')}</span>
      <select
        value={current}
        onChange={(event) => chooseLanguage(event.currentTarget.value as Language)}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`language.${code}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
