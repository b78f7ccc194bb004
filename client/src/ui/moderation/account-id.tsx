// An account's id as staff see it (the protocol names people only by id): monospace, wrapping at
// phone width, with a label for screen readers.
import { t } from '../i18n/i18n.js';

export function AccountId({ id }: { id: string }) {
  return (
    <code class="account-id" aria-label={t('mod.accountId', { id })}>
      {id}
    </code>
  );
}
