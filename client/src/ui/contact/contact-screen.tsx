// The contact's start: their requests, each with its state in one sentence and what they can do
// next, kept live; and the way to ask for help.
import type { KolokolClient } from '@kolokol/client/core';
import { BackButton } from '../components/back-button.js';
import { useObservable } from '../hooks/use-observable.js';
import { t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { ErrorNotice } from '../flows/error-notice.js';
import { useDesk } from '../flows/use-desk.js';
import { ContactDesk } from './contact-desk.js';
import { RequestCard } from './request-card.js';
import { orderedRequests } from './request-status.js';

function ContactRequests({ client }: { client: KolokolClient }) {
  const [desk, failed] = useDesk(client, (c) => new ContactDesk(c));
  const requests = useObservable(desk.requests.items);
  const problem = useObservable(desk.requests.problem);
  useObservable(desk.matches.items);
  return (
    <section class="screen" aria-labelledby="contact-title">
      <BackButton to="home" />
      <h1 id="contact-title">{t('contact.title')}</h1>
      <div class="choices">
        <button type="button" class="primary" onClick={() => navigate('ask')}>
          {t('contact.ask')}
        </button>
      </div>
      <ErrorNotice error={failed ?? problem} />
      {requests === undefined ? (
        <p role="status">{t('contact.loading')}</p>
      ) : requests.length === 0 ? (
        <p>{t('contact.empty')}</p>
      ) : (
        <ul class="cards">
          {orderedRequests(requests).map((request) => (
            <RequestCard
              key={request.id}
              desk={desk}
              request={request}
              match={desk.matchOf(request.id)}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

export function ContactScreen() {
  const client = useObservable(session.client);
  return client === undefined ? null : <ContactRequests client={client} />;
}
