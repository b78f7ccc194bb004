// One request as its contact sees it: what it is about, its state in one sentence, cancelling
// (asked twice), and — once a volunteer accepted — starting the conversation or asking for
// someone else.
import { useState } from 'preact/hooks';
import { regionDefinition, type EventOutput } from '@kolokol/shared';
import type { MatchView } from '@kolokol/client/core';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { dateTime } from '../flows/format.js';
import { openChat } from '../chat/open-chat.js';
import type { ContactDesk } from './contact-desk.js';
import { requestStatus } from './request-status.js';

type RequestWire = EventOutput<'requests.list'>['requests'][number];

export function RequestCard({
  desk,
  request,
  match,
}: {
  desk: ContactDesk;
  request: RequestWire;
  match: MatchView | undefined;
}) {
  const lang = useObservable(language);
  const status = requestStatus(request.state);
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const titleId = `request-${request.id}`;
  return (
    <li class="card" aria-labelledby={titleId} data-request-state={request.state}>
      <h2 id={titleId} class="card-title">
        {request.skills.map((skill) => t(`skill.${skill}`)).join(' · ')}
      </h2>
      <p class={status.over ? 'hint' : 'state'}>{t(`request.state.${request.state}`)}</p>
      <p class="hint">
        {t(`urgency.${request.urgency}`)} · {regionDefinition(request.region).label[lang]} ·{' '}
        {t('request.sent', { date: dateTime(request.createdAt, lang) })}
      </p>
      {match !== undefined ? (
        <div class="notice" role="status">
          <p>
            <strong>{t('request.match.title')}</strong>
          </p>
          <div class="choices">
            <button
              type="button"
              class="primary"
              disabled={action.busy}
              onClick={() => void action.run(async () => openChat((await desk.talk(match)).id))}
            >
              {t('request.match.talk')}
            </button>
            <button
              type="button"
              disabled={action.busy}
              onClick={() => void action.run(() => desk.decline(match))}
            >
              {t('request.match.decline')}
            </button>
          </div>
          <p class="hint">{t('request.match.declineHint')}</p>
        </div>
      ) : null}
      {status.cancellable && !confirming ? (
        <button type="button" disabled={action.busy} onClick={() => setConfirming(true)}>
          {t('request.cancel')}
        </button>
      ) : null}
      {status.cancellable && confirming ? (
        <div class="confirm" role="group" aria-label={t('request.cancel')}>
          <p>{t('request.cancelConfirm')}</p>
          <div class="choices">
            <button
              type="button"
              class="danger"
              disabled={action.busy}
              onClick={() => void action.run(() => desk.cancel(request.id))}
            >
              {t('request.cancelYes')}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              {t('request.keep')}
            </button>
          </div>
        </div>
      ) : null}
      <ErrorMessage text={action.error} />
    </li>
  );
}
