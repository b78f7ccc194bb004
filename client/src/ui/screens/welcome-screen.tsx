// A signed-out person's start: what Kolokol is, create an account or log in.
import { t } from '../i18n/i18n.js';
import { navigate } from '../router.js';

export function WelcomeScreen() {
  return (
    <section class="screen" aria-labelledby="welcome-title">
      <h1 id="welcome-title">{t('welcome.title')}</h1>
      <p>{t('app.tagline')}</p>
      <div class="choices">
        <button type="button" class="primary" onClick={() => navigate('register')}>
          {t('welcome.register')}
        </button>
        <button type="button" onClick={() => navigate('login')}>
          {t('welcome.login')}
        </button>
      </div>
    </section>
  );
}
