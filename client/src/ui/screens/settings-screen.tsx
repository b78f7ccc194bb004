// The account's settings: the recovery kit again, changing the passphrase, log out, log out
// everywhere.
import { BackButton } from '../components/back-button.js';
import { BusyMessage } from '../components/busy-message.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { START_SIGNED_OUT } from '../routes.js';
import { session } from '../session.js';

export function SettingsScreen() {
  const action = useAction();
  return (
    <section class="screen" aria-labelledby="settings-title">
      <BackButton to="home" />
      <h1 id="settings-title">{t('settings.title')}</h1>
      <ErrorMessage text={action.error} />
      <BusyMessage busy={action.busy} text={t('app.busy')} />
      <div class="choices column">
        <button type="button" onClick={() => navigate('kit')}>
          {t('settings.kit')}
        </button>
        <button type="button" onClick={() => navigate('passphrase')}>
          {t('settings.passphrase')}
        </button>
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              await session.logout();
              navigate(START_SIGNED_OUT, { replace: true });
            })
          }
        >
          {t('settings.logout')}
        </button>
        <button
          type="button"
          disabled={action.busy}
          onClick={() => {
            if (!confirm(t('settings.confirmEverywhere'))) return;
            void action.run(async () => {
              await session.logoutEverywhere();
              navigate(START_SIGNED_OUT, { replace: true });
            });
          }}
        >
          {t('settings.logoutEverywhere')}
        </button>
      </div>
    </section>
  );
}
