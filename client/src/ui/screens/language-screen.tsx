// The first screen: Russian or English (Russian first). The choice is kept and can be changed
// from every screen's header.
import { chooseLanguage, LANGUAGES, t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { START_SIGNED_OUT } from '../routes.js';

export function LanguageScreen() {
  return (
    <section class="screen" aria-labelledby="language-title">
      <h1 id="language-title">{t('language.title')}</h1>
      <div class="choices">
        {LANGUAGES.map((code) => (
          <button
            key={code}
            type="button"
            lang={code}
            onClick={() => {
              chooseLanguage(code);
              navigate(START_SIGNED_OUT, { replace: true });
            }}
          >
            {t(`language.${code}`)}
          </button>
        ))}
      </div>
    </section>
  );
}
