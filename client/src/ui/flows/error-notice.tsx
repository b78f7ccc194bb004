// A failure in words (error-words.ts), announced at once to screen readers.
import { t } from '../i18n/i18n.js';
import { errorKey } from './error-words.js';

export function ErrorNotice({ error }: { error: unknown }) {
  if (error === undefined) return null;
  return (
    <p class="error" role="alert">
      {t(errorKey(error))}
    </p>
  );
}
