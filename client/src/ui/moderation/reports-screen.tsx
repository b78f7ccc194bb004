// The open reports staff may decide (live): who reported whom and why, whether the reporter's
// account is new, the note opened on this device; dismiss, or suspend the subject (which closes
// the report as actioned in the same decision).
import { useState } from 'preact/hooks';
import type { AuditReason } from '@kolokol/shared/crypto';
import type { KolokolClient, ReportView } from '@kolokol/client/core';
import { BackButton } from '../components/back-button.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { session } from '../session.js';
import { dateTime } from '../flows/format.js';
import { ErrorNotice } from '../flows/error-notice.js';
import { useDesk } from '../flows/use-desk.js';
import { AccountId } from './account-id.js';
import { ReasonSelect } from './reason-select.js';
import { ReportsDesk } from './reports-desk.js';

function ReportCard({ desk, view }: { desk: ReportsDesk; view: ReportView }) {
  const lang = useObservable(language);
  const action = useAction();
  const [reason, setReason] = useState<AuditReason>('other');
  const { report, note } = view;
  const titleId = `report-${report.id}`;
  return (
    <li class="card" aria-labelledby={titleId} data-report={report.id}>
      <h3 id={titleId} class="card-title">
        {t(`report.reason.${report.reason}`)}
      </h3>
      <p class="hint">{dateTime(report.createdAt, lang)}</p>
      <p>
        {t('mod.report.subject')} <AccountId id={report.subjectId} />
      </p>
      <p>
        {t('mod.report.reporter')} <AccountId id={report.reporterId} />
      </p>
      {report.fromNewAccount ? <p class="state-warn">{t('mod.report.newAccount')}</p> : null}
      {note === null ? (
        <p class="hint">{t('mod.report.noNote')}</p>
      ) : note.text === null ? (
        <p class="state-warn">{t('mod.noteUnreadable')}</p>
      ) : (
        <figure class="details">
          <figcaption>{t('mod.report.note')}</figcaption>
          <blockquote class="details-text">{note.text}</blockquote>
        </figure>
      )}
      <ReasonSelect value={reason} onChange={setReason} />
      <div class="choices">
        <button
          type="button"
          disabled={action.busy}
          onClick={() => void action.run(() => desk.dismiss(view, reason))}
        >
          {t('mod.report.dismiss')}
        </button>
        <button
          type="button"
          class="danger"
          disabled={action.busy}
          onClick={() => void action.run(() => desk.suspendSubject(view, reason))}
        >
          {t('mod.report.suspend')}
        </button>
      </div>
      <ErrorMessage text={action.error} />
    </li>
  );
}

function Reports({ client }: { client: KolokolClient }) {
  const [desk, failed] = useDesk(client, (c) => new ReportsDesk(c));
  const reports = useObservable(desk.reports.items);
  const problem = useObservable(desk.reports.problem);
  return (
    <section class="screen" aria-labelledby="reports-title">
      <BackButton to="moderate" />
      <h1 id="reports-title">{t('mod.report.title')}</h1>
      <ErrorNotice error={failed ?? problem} />
      {reports === undefined ? (
        <p role="status">{t('mod.loading')}</p>
      ) : reports.length === 0 ? (
        <p data-reports="empty">{t('mod.report.empty')}</p>
      ) : (
        <ul class="cards" data-reports="entries">
          {reports.map((view) => (
            <ReportCard key={view.report.id} desk={desk} view={view} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function ReportsScreen() {
  const client = useObservable(session.client);
  return client === undefined ? null : <Reports client={client} />;
}
