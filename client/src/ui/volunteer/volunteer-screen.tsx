// The volunteer's start: where their vetting stands, their offer (and its pause), the people
// moderators proposed to them waiting for an answer, and those they are helping — kept live.
import type { KolokolClient } from '@kolokol/client/core';
import { BackButton } from '../components/back-button.js';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { ErrorNotice } from '../flows/error-notice.js';
import { dateTime, listOf } from '../flows/format.js';
import { useDesk } from '../flows/use-desk.js';
import { openChat } from '../chat/open-chat.js';
import { AccountId } from '../moderation/account-id.js';
import { ProposalCard } from './proposal-card.js';
import { VolunteerDesk } from './volunteer-desk.js';

function VolunteerHome({ client }: { client: KolokolClient }) {
  const lang = useObservable(language);
  const [desk, failed] = useDesk(client, (c) => new VolunteerDesk(c));
  const vetting = useObservable(desk.vetting);
  const offer = useObservable(desk.offer);
  const matches = useObservable(desk.matches.items);
  const problem = useObservable(desk.matches.problem);
  const pause = useAction();
  const proposals = desk.proposals();
  const live = desk.live();
  return (
    <section class="screen" aria-labelledby="volunteer-title">
      <BackButton to="home" />
      <h1 id="volunteer-title">{t('volunteer.title')}</h1>
      <ErrorNotice error={failed ?? problem} />

      <h2>{t('vetting.title')}</h2>
      {vetting === undefined ? (
        <p role="status">{t('volunteer.loading')}</p>
      ) : (
        <p data-vetting={vetting.tier}>
          {t(`vetting.${vetting.tier}`)}
          {vetting.since === null ? null : (
            <span class="hint"> {t('vetting.since', { date: dateTime(vetting.since, lang) })}</span>
          )}
        </p>
      )}
      <p>
        {t('vetting.accountId')} <AccountId id={client.accountId} />
      </p>

      <h2>{t('offer.title')}</h2>
      {offer === undefined ? (
        <p role="status">{t('volunteer.loading')}</p>
      ) : offer === null ? (
        <>
          <p>{t('offer.none')}</p>
          <div class="choices">
            <button type="button" class="primary" onClick={() => navigate('offer')}>
              {t('offer.create')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p>
            {t('offer.summary', {
              skills: listOf(
                offer.skills.map((skill) => t(`skill.${skill.code}`)),
                lang,
              ),
              capacity: offer.capacity,
            })}
          </p>
          <p class={offer.paused ? 'state-warn' : 'state'} data-paused={String(offer.paused)}>
            {offer.paused ? t('offer.paused') : t('offer.active')}
          </p>
          <div class="choices">
            <button type="button" onClick={() => navigate('offer')}>
              {t('offer.edit')}
            </button>
            <button
              type="button"
              disabled={pause.busy}
              onClick={() => void pause.run(() => desk.setPaused(!offer.paused))}
            >
              {offer.paused ? t('offer.resume') : t('offer.pause')}
            </button>
          </div>
          <ErrorMessage text={pause.error} />
        </>
      )}

      <h2>{t('proposals.title')}</h2>
      {matches === undefined ? (
        <p role="status">{t('volunteer.loading')}</p>
      ) : proposals.length === 0 ? (
        <p>{t('proposals.empty')}</p>
      ) : (
        <ul class="cards">
          {proposals.map((view) => (
            <ProposalCard key={view.match.id} desk={desk} view={view} />
          ))}
        </ul>
      )}

      <h2>{t('live.title')}</h2>
      {live.length === 0 ? (
        <p>{t('live.empty')}</p>
      ) : (
        <ul class="list">
          {live.map((view) => (
            <li key={view.match.id}>
              <span>{view.match.skills.map((skill) => t(`skill.${skill}`)).join(' · ')}</span>
              <button
                type="button"
                onClick={() =>
                  void client.conversations
                    .open(view.match.counterpartId)
                    .then((conversation) => openChat(conversation.id))
                    .catch(() => undefined)
                }
              >
                {t('live.open')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function VolunteerScreen() {
  const client = useObservable(session.client);
  return client === undefined ? null : <VolunteerHome client={client} />;
}
