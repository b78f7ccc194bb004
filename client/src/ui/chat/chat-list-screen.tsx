// Every conversation this device knows: open ones first, newest first, each with when it started
// and its disappearing-message timer; closed ones marked. Live by the core's `changed`.
import type { KolokolClient } from '@kolokol/client/core';
import { BackButton } from '../components/back-button.js';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { session } from '../session.js';
import { dateTime } from '../flows/format.js';
import { useDesk } from '../flows/use-desk.js';
import { ChatDesk } from './chat-desk.js';
import { openChat } from './open-chat.js';
import { timerLabel } from './timer.js';

function ChatList({ client }: { client: KolokolClient }) {
  const lang = useObservable(language);
  const [desk] = useDesk(client, (c) => new ChatDesk(c));
  const conversations = useObservable(desk.conversations);
  return (
    <section class="screen" aria-labelledby="chats-title">
      <BackButton to="home" />
      <h1 id="chats-title">{t('chats.title')}</h1>
      {conversations.length === 0 ? (
        <p>{t('chats.empty')}</p>
      ) : (
        <ul class="list">
          {conversations.map((conversation) => (
            <li key={conversation.id} data-closed={String(conversation.closedAt !== null)}>
              <span>
                {t('chats.started', { date: dateTime(conversation.createdAt, lang) })}
                <br />
                <span class="hint">
                  {conversation.closedAt === null
                    ? t('chats.timer', { timer: timerLabel(conversation.ttlSeconds, lang) })
                    : t('chats.closed')}
                </span>
              </span>
              <button type="button" onClick={() => openChat(conversation.id)}>
                {t('chat.title')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ChatListScreen() {
  const client = useObservable(session.client);
  return client === undefined ? null : <ChatList client={client} />;
}
