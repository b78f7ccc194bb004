// The moderator's start: the queue of pending proposals (live), the audit log's head, and the way
// to vetting, reports and suspensions. A moderator whose identity the operator has not certified
// yet sees the queue but every decision is refused: the screen says what to ask the operator.
import type { KolokolClient } from '@kolokol/client/core';
import { BackButton } from '../components/back-button.js';
import { useObservable } from '../hooks/use-observable.js';
import { t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { ErrorNotice } from '../flows/error-notice.js';
import { useDesk } from '../flows/use-desk.js';
import { AuditHeadPanel } from './audit-head-panel.js';
import { QueueDesk } from './queue-desk.js';
import { QueueEntryCard } from './queue-entry-card.js';

function ModerationDesk({ client }: { client: KolokolClient }) {
  const [desk, failed] = useDesk(client, (c) => new QueueDesk(c));
  const entries = useObservable(desk.entries.items);
  const problem = useObservable(desk.entries.problem);
  const more = useObservable(desk.more);
  const head = useObservable(desk.head);
  return (
    <section class="screen" aria-labelledby="moderation-title">
      <BackButton to="home" />
      <h1 id="moderation-title">{t('mod.title')}</h1>
      <nav class="choices" aria-label={t('mod.menu')}>
        <button type="button" onClick={() => navigate('vetting')}>
          {t('nav.vetting')}
        </button>
        <button type="button" onClick={() => navigate('reports')}>
          {t('nav.reports')}
        </button>
        <button type="button" onClick={() => navigate('suspensions')}>
          {t('nav.suspensions')}
        </button>
      </nav>
      <p class="hint">{t('mod.certifiedHint')}</p>
      <ErrorNotice error={failed ?? problem} />

      <h2>{t('mod.queue')}</h2>
      {entries === undefined ? (
        <p role="status">{t('mod.loading')}</p>
      ) : entries.length === 0 ? (
        <p data-queue="empty">{t('mod.queueEmpty')}</p>
      ) : (
        <ul class="cards" data-queue="entries">
          {entries.map((entry) => (
            <QueueEntryCard key={entry.proposal.id} desk={desk} entry={entry} />
          ))}
        </ul>
      )}
      {more ? <p class="hint">{t('mod.queueMore')}</p> : null}

      <AuditHeadPanel head={head} />
    </section>
  );
}

export function ModerationScreen() {
  const client = useObservable(session.client);
  return client === undefined ? null : <ModerationDesk client={client} />;
}
