// Back to the screen named `to`.
import { t } from '../i18n/i18n.js';
import { navigate } from '../router.js';

export function BackButton({ to }: { to: string }) {
  return (
    <button type="button" class="back" onClick={() => navigate(to)}>
      {t('app.back')}
    </button>
  );
}
