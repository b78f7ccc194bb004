// The audit log as this device knows it: the head (number of entries and the last entry's hash)
// that each of this moderator's decisions signs as the history it saw. Verifying the whole log
// here needs the entries, which the server does not serve yet: the place for it says so.
import { t } from '../i18n/i18n.js';
import type { AuditHead } from './queue-desk.js';

/** The hash's first 16 bytes in hex, grouped by four: enough to compare by eye or voice. */
function shortHash(hash: Uint8Array): string {
  const hex = Array.from(hash.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0'));
  return hex.join('').replace(/(.{8})(?!$)/g, '$1 ');
}

export function AuditHeadPanel({ head }: { head: AuditHead | undefined }) {
  return (
    <section aria-labelledby="audit-title" class="card">
      <h2 id="audit-title">{t('audit.title')}</h2>
      {head === undefined ? (
        <p role="status">{t('mod.loading')}</p>
      ) : (
        <dl class="audit-head" data-audit-length={head.length}>
          <dt>{t('audit.length')}</dt>
          <dd>{head.length}</dd>
          <dt>{t('audit.head')}</dt>
          <dd>
            <code class="account-id">{shortHash(head.head)}</code>
          </dd>
        </dl>
      )}
      <p class="hint">{t('audit.signedHint')}</p>
      {/* Verification of the whole log on this device: waits for the server's audit-entries event. */}
      <p class="state-warn" data-audit-verify="unavailable">
        {t('audit.verifyUnavailable')}
      </p>
    </section>
  );
}
