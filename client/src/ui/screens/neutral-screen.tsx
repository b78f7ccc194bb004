// What shows after panic: a plain page that says nothing of Kolokol or the account.
import { t } from '../i18n/i18n.js';

export function NeutralScreen() {
  return (
    <main class="neutral">
      <p>{t('panic.neutral')}</p>
    </main>
  );
}
