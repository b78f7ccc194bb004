// The signed-in start screen: who is logged in, and the way to devices and settings. ui-flows adds
// the role's own screens (requests, offers, conversations) as routes.
import { useObservable } from '../hooks/use-observable.js';
import { t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';

export function HomeScreen() {
  const client = useObservable(session.client);
  if (client === undefined) return null;
  return (
    <section class="screen" aria-labelledby="home-title">
      <h1 id="home-title">{t('home.title', { handle: client.handle })}</h1>
      <nav class="choices" aria-label={t('home.menu')}>
        {client.role === 'contact' ? (
          <button type="button" class="primary" onClick={() => navigate('contact')}>
            {t('nav.contact')}
          </button>
        ) : null}
        {client.role === 'volunteer' ? (
          <button type="button" class="primary" onClick={() => navigate('volunteer')}>
            {t('nav.volunteer')}
          </button>
        ) : null}
        {client.role === 'contact' || client.role === 'volunteer' ? null : (
          <button type="button" class="primary" onClick={() => navigate('moderate')}>
            {t('nav.moderate')}
          </button>
        )}
        <button type="button" onClick={() => navigate('chats')}>
          {t('nav.chats')}
        </button>
        <button type="button" onClick={() => navigate('devices')}>
          {t('home.devices')}
        </button>
        <button type="button" onClick={() => navigate('settings')}>
          {t('home.settings')}
        </button>
      </nav>
    </section>
  );
}
