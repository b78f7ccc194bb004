// The connection's state in words (connecting / connected / reconnecting / offline) and how many
// messages wait to be sent, announced politely to screen readers when it changes.
import type { KolokolClient } from '@kolokol/client/core';
import { useEffect, useState } from 'preact/hooks';
import { useObservable } from '../hooks/use-observable.js';
import { t } from '../i18n/i18n.js';
import { session } from '../session.js';

function ClientConnection({ client }: { client: KolokolClient }) {
  const state = useObservable(client.connection.state);
  const [queued, setQueued] = useState(client.conversations.pending);
  useEffect(
    () => client.conversations.messages.on(() => setQueued(client.conversations.pending)),
    [client],
  );
  return (
    <p class={`connection connection-${state}`} role="status" data-state={state}>
      {t(`connection.${state}`)}
      {queued > 0 && state !== 'connected'
        ? ` · ${t('connection.queued', { count: queued })}`
        : null}
    </p>
  );
}

export function ConnectionBar() {
  const client = useObservable(session.client);
  return client === undefined ? null : <ClientConnection client={client} />;
}
