// One person moderators proposed to the volunteer: what they need, how urgent, where, in which
// languages, what they wrote (opened on this device), until when to answer; accept or decline.
import { regionDefinition } from '@kolokol/shared';
import type { MatchView } from '@kolokol/client/core';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { dateTime, listOf } from '../flows/format.js';
import { languageName } from '../flows/languages.js';
import { openChat } from '../chat/open-chat.js';
import type { VolunteerDesk } from './volunteer-desk.js';

export function ProposalCard({ desk, view }: { desk: VolunteerDesk; view: MatchView }) {
  const lang = useObservable(language);
  const action = useAction();
  const { match } = view;
  const titleId = `proposal-${match.id}`;
  return (
    <li class="card" aria-labelledby={titleId} data-match-state={match.state}>
      <h3 id={titleId} class="card-title">
        {t('proposal.topics', {
          skills: listOf(
            match.skills.map((skill) => t(`skill.${skill}`)),
            lang,
          ),
        })}
      </h3>
      <p>{t('proposal.urgency', { urgency: t(`urgency.${match.urgency}`) })}</p>
      <p class="hint">
        {t('proposal.region', { region: regionDefinition(match.region).label[lang] })} ·{' '}
        {t('proposal.languages', {
          languages: listOf(
            match.languages.map((code) => languageName(code, lang)),
            lang,
          ),
        })}
      </p>
      {view.details === null ? (
        <p class="state-warn">{t('proposal.detailsUnreadable')}</p>
      ) : (
        <figure class="details">
          <figcaption>{t('proposal.details')}</figcaption>
          <blockquote class="details-text">{view.details.text}</blockquote>
        </figure>
      )}
      {match.offeredUntil === null ? null : (
        <p class="hint">{t('proposal.until', { time: dateTime(match.offeredUntil, lang) })}</p>
      )}
      <div class="choices">
        <button
          type="button"
          class="primary"
          disabled={action.busy}
          onClick={() => void action.run(async () => openChat((await desk.accept(view)).id))}
        >
          {t('proposal.accept')}
        </button>
        <button
          type="button"
          disabled={action.busy}
          onClick={() => void action.run(() => desk.decline(view))}
        >
          {t('proposal.decline')}
        </button>
      </div>
      <ErrorMessage text={action.error} />
    </li>
  );
}
