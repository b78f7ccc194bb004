// A conversation's messages, oldest first: who wrote each, its text, and its state in words
// (message-status.ts). New messages are announced politely to screen readers.
import type { ConnectionState, LocalMessage } from '@kolokol/client/core';
import { language, t } from '../i18n/i18n.js';
import { useObservable } from '../hooks/use-observable.js';
import { dateTime } from '../flows/format.js';
import { messageStatus } from './message-status.js';

export function MessageList({
  messages,
  connection,
}: {
  messages: readonly LocalMessage[];
  connection: ConnectionState;
}) {
  const lang = useObservable(language);
  if (messages.length === 0) return <p class="hint">{t('chat.empty')}</p>;
  return (
    <ol class="messages" aria-live="polite" aria-label={t('chat.title')}>
      {messages.map((message) => {
        const status = messageStatus(message, connection);
        return (
          <li key={message.id} class={`message message-${message.from}`} data-status={status}>
            <span class="visually-hidden">
              {message.from === 'me' ? t('chat.you') : t('chat.them')}:
            </span>
            {message.text === null || status === 'unreadable' ? (
              <p class="message-text state-warn">{t('chat.status.unreadable')}</p>
            ) : (
              <p class="message-text">{message.text}</p>
            )}
            <p class="message-meta">
              {dateTime(message.at, lang)}
              {message.from === 'me' ? ` · ${t(`chat.status.${status}`)}` : null}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
