// The safety number with the other person (the core computes it from the identities pinned at
// first contact): twelve groups of five digits to compare another way. Until the first message
// no identity is pinned, and it says so.
import type { SafetyNumber } from '@kolokol/shared/crypto';
import { t } from '../i18n/i18n.js';

export function SafetyNumberPanel({ number }: { number: SafetyNumber | undefined }) {
  return (
    <details class="safety">
      <summary>{t('chat.safety')}</summary>
      {number === undefined ? (
        <p class="hint">{t('chat.safety.none')}</p>
      ) : (
        <>
          <p class="safety-digits" data-digits={number.digits}>
            {number.display}
          </p>
          <p class="hint">{t('chat.safety.hint')}</p>
        </>
      )}
    </details>
  );
}
