// Panic, one tap from every screen: no confirmation (the moment it is needed there is no time
// for one); everything of the account on this device is erased and a neutral screen shows.
import { t } from '../i18n/i18n.js';
import { session } from '../session.js';

export function PanicButton() {
  return (
    <button
      type="button"
      class="panic"
      title={t('panic.hint')}
      onClick={() => void session.panic()}
    >
      {t('panic.button')}
    </button>
  );
}
