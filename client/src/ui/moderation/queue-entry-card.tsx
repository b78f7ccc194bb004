// One pending proposal: the request (skills, urgency, region, languages, its details opened on
// this device), the proposed volunteer and why the engine chose them, the earlier decisions on the
// same request with their notes, and the decisions — approve, reject, re-propose. A critical case
// needs two different moderators: after this one's approval it waits for a second.
import { useEffect, useState } from 'preact/hooks';
import { regionDefinition } from '@kolokol/shared';
import { AUDIT_REASONS, type AuditReason } from '@kolokol/shared/crypto';
import type { OpenedText, QueueEntry } from '@kolokol/client/core';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { dateTime, listOf } from '../flows/format.js';
import { languageName } from '../flows/languages.js';
import { AccountId } from './account-id.js';
import { ProposalReasons } from './proposal-reasons.js';
import type { QueueDesk } from './queue-desk.js';
import { ReasonSelect } from './reason-select.js';

type Decided = QueueEntry['history'][number];

/** A decision's reason code in words; none, or one this build does not know, reads as "other". */
function reasonWords(reason: string | null): string {
  const known = AUDIT_REASONS.find((code) => code === reason);
  return t(`audit.reason.${known ?? 'other'}`);
}

function DetailsText({ opened }: { opened: OpenedText }) {
  return opened.text === null ? (
    <p class="state-warn">{t('mod.detailsUnreadable')}</p>
  ) : (
    <figure class="details">
      <figcaption>{t('mod.details')}</figcaption>
      <blockquote class="details-text">{opened.text}</blockquote>
    </figure>
  );
}

/** An earlier decision on the same request, its note opened here when the person asks. */
function EarlierDecision({
  desk,
  entry,
  decided,
}: {
  desk: QueueDesk;
  entry: QueueEntry;
  decided: Decided;
}) {
  const lang = useObservable(language);
  const [note, setNote] = useState<OpenedText | null | undefined>(undefined);
  const action = useAction();
  return (
    <li>
      <span>
        {t(decided.state === 'rejected' ? 'mod.history.rejected' : 'mod.history.replaced', {
          date: dateTime(decided.decidedAt, lang),
          reason: reasonWords(decided.reason),
        })}
      </span>
      {decided.note === null ? null : note === undefined ? (
        <button
          type="button"
          disabled={action.busy}
          onClick={() => void action.run(async () => setNote(await desk.note(entry, decided)))}
        >
          {t('mod.history.readNote')}
        </button>
      ) : note === null || note.text === null ? (
        <p class="state-warn">{t('mod.noteUnreadable')}</p>
      ) : (
        <blockquote class="details-text">{note.text}</blockquote>
      )}
      <ErrorMessage text={action.error} />
    </li>
  );
}

function ApprovalState({ desk, entry }: { desk: QueueDesk; entry: QueueEntry }) {
  const { approvals, approvalsNeeded } = entry.proposal;
  if (approvalsNeeded < 2) return null;
  return (
    <p
      class={approvals.length > 0 ? 'state-warn' : 'state'}
      data-approvals={`${approvals.length}/${approvalsNeeded}`}
    >
      {approvals.length === 0
        ? t('mod.critical.needsTwo')
        : desk.approvedByMe(entry)
          ? t('mod.critical.awaitingOther')
          : t('mod.critical.awaitingYou')}
    </p>
  );
}

export function QueueEntryCard({ desk, entry }: { desk: QueueDesk; entry: QueueEntry }) {
  const lang = useObservable(language);
  const action = useAction();
  const [reason, setReason] = useState<AuditReason>('mismatch');
  const [note, setNote] = useState('');
  const [other, setOther] = useState(entry.alternatives[0]?.volunteerId ?? '');
  useEffect(() => setOther(entry.alternatives[0]?.volunteerId ?? ''), [entry.proposal.id]);
  const { request, proposal, volunteer } = entry;
  const titleId = `entry-${proposal.id}`;
  const mine = desk.approvedByMe(entry);
  return (
    <li
      class="card"
      aria-labelledby={titleId}
      data-proposal={proposal.id}
      data-request={request.id}
    >
      <h3 id={titleId} class="card-title">
        {listOf(
          request.skills.map((skill) => t(`skill.${skill}`)),
          lang,
        )}
      </h3>
      <p>{t('mod.urgency', { urgency: t(`urgency.${request.urgency}`) })}</p>
      <p class="hint">
        {regionDefinition(request.region).label[lang]} ·{' '}
        {listOf(
          request.languages.map((code) => languageName(code, lang)),
          lang,
        )}
      </p>
      <DetailsText opened={desk.details(entry)} />
      <ApprovalState desk={desk} entry={entry} />

      <h4>{t('mod.volunteer')}</h4>
      <p>
        <AccountId id={volunteer.volunteerId} />{' '}
        <span class="hint">{t(`mod.tier.${volunteer.tier}`)}</span>
      </p>
      <p>{t('mod.score', { score: Math.round(proposal.score) })}</p>
      <ProposalReasons reasons={proposal.reasons} />

      {entry.history.length === 0 ? null : (
        <>
          <h4>{t('mod.history')}</h4>
          <ul class="list">
            {entry.history.map((decided) => (
              <EarlierDecision
                key={decided.proposalId}
                desk={desk}
                entry={entry}
                decided={decided}
              />
            ))}
          </ul>
        </>
      )}

      <div class="choices">
        <button
          type="button"
          class="primary"
          disabled={action.busy || mine}
          onClick={() => void action.run(() => desk.approve(entry))}
        >
          {proposal.approvalsNeeded > 1 && proposal.approvals.length === 0
            ? t('mod.approveFirst')
            : t('mod.approve')}
        </button>
      </div>

      <details class="decide">
        <summary>{t('mod.otherDecision')}</summary>
        <ReasonSelect value={reason} onChange={setReason} />
        <label class="field">
          <span>{t('mod.note')}</span>
          <textarea
            rows={3}
            value={note}
            onInput={(event) => setNote((event.target as HTMLTextAreaElement).value)}
          />
        </label>
        <div class="choices">
          <button
            type="button"
            disabled={action.busy}
            onClick={() => void action.run(() => desk.reject(entry, reason, note.trim()))}
          >
            {t('mod.reject')}
          </button>
        </div>
        {entry.alternatives.length === 0 ? (
          <p class="hint">{t('mod.noAlternatives')}</p>
        ) : (
          <>
            <label class="field">
              <span>{t('mod.alternative')}</span>
              <select
                value={other}
                onChange={(event) => setOther((event.target as HTMLSelectElement).value)}
              >
                {entry.alternatives.map((alternative) => (
                  <option key={alternative.volunteerId} value={alternative.volunteerId}>
                    {t('mod.alternativeOption', {
                      id: alternative.volunteerId,
                      score: Math.round(alternative.score),
                      tier: t(`mod.tier.${alternative.tier}`),
                    })}
                  </option>
                ))}
              </select>
            </label>
            <div class="choices">
              <button
                type="button"
                disabled={action.busy || other === ''}
                onClick={() =>
                  void action.run(() => desk.repropose(entry, other, reason, note.trim()))
                }
              >
                {t('mod.repropose')}
              </button>
            </div>
          </>
        )}
      </details>
      <ErrorMessage text={action.error} />
    </li>
  );
}
