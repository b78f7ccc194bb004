// The audit log as this device knows it: the head (number of entries and the last entry's hash)
// that each of this moderator's decisions signs as the history it saw, and verifying the whole log
// on this device (`client.moderation.verifyAudit`: every entry fetched with audit.entries and
// checked against the pinned root key, docs/client.md).
import type { AuditVerification } from '@kolokol/client/core';
import { useState } from 'preact/hooks';
import { useAction } from '../hooks/use-action.js';
import { useObservable } from '../hooks/use-observable.js';
import { t } from '../i18n/i18n.js';
import { session } from '../session.js';
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
      <AuditVerifier />
    </section>
  );
}

/** What a verification found, in words. */
function verdict(result: AuditVerification): { text: string; ok: boolean } {
  if (result.ok) {
    return { text: t('audit.verified', { count: String(result.summary.length) }), ok: true };
  }
  if (result.problem === 'broken') {
    return { text: t('audit.broken', { seq: String(result.seq) }), ok: false };
  }
  return { text: t('audit.headMismatch'), ok: false };
}

function AuditVerifier() {
  const client = useObservable(session.client);
  const action = useAction();
  const [result, setResult] = useState<AuditVerification | undefined>(undefined);
  const found = result === undefined ? undefined : verdict(result);
  return (
    <div>
      <button
        type="button"
        disabled={action.busy || client === undefined}
        onClick={() =>
          void action.run(async () => {
            if (client === undefined) return;
            setResult(undefined);
            setResult(await client.moderation.verifyAudit());
          })
        }
      >
        {action.busy ? t('audit.verifying') : t('audit.verify')}
      </button>
      {found === undefined ? null : (
        <p
          role="status"
          class={found.ok ? 'hint' : 'state-warn'}
          data-audit-verify={found.ok ? 'ok' : 'broken'}
        >
          {found.text}
        </p>
      )}
      {action.error === undefined ? null : (
        <p role="alert" class="state-warn">
          {action.error}
        </p>
      )}
    </div>
  );
}
