// One conversation: the timer, the messages with their states, the composer (the core's outbox
// keeps what is written offline and sends it once, in order, when the network is back), the
// safety number, and close / block / report. Without an open conversation, the list shows.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { KolokolClient } from '@kolokol/client/core';
import { BackButton } from '../components/back-button.js';
import { useObservable } from '../hooks/use-observable.js';
import { t } from '../i18n/i18n.js';
import { session } from '../session.js';
import { useDesk } from '../flows/use-desk.js';
import { ChatDesk } from './chat-desk.js';
import { ChatListScreen } from './chat-list-screen.js';
import { Composer } from './composer.js';
import { ConversationActions } from './conversation-actions.js';
import { MessageList } from './message-list.js';
import { openConversation } from './open-chat.js';
import { SafetyNumberPanel } from './safety-number.js';
import { ChatThread } from './thread.js';
import { TimerSelect } from './timer-select.js';

function Conversation({ client, id }: { client: KolokolClient; id: string }) {
  const [desk] = useDesk(client, (c) => new ChatDesk(c));
  const thread = useMemo(() => new ChatThread(client, id), [client, id]);
  const messages = useObservable(thread.messages);
  const connection = useObservable(client.connection.state);
  const conversations = useObservable(desk.conversations);
  const swept = useObservable(desk.swept);
  const [canBlock, setCanBlock] = useState(false);
  const conversation = conversations.find((known) => known.id === id) ?? desk.get(id);

  useEffect(() => {
    void thread.load().catch(() => undefined);
  }, [thread, swept]);
  useEffect(() => () => thread.stop(), [thread]);
  useEffect(() => {
    if (conversation === undefined) return;
    desk
      .hasMatchWith(conversation.peer)
      .then(setCanBlock)
      .catch(() => setCanBlock(false));
  }, [desk, conversation?.peer]);

  if (conversation === undefined) return <ChatListScreen />;
  const closed = conversation.closedAt !== null;
  return (
    <section class="screen chat" aria-labelledby="chat-title">
      <BackButton to="chats" />
      <h1 id="chat-title">{t('chat.title')}</h1>
      <TimerSelect
        ttlSeconds={conversation.ttlSeconds}
        disabled={closed}
        change={(ttl) => desk.setTimer(id, ttl)}
      />
      <MessageList messages={messages} connection={connection} />
      {closed ? (
        <p class="notice" role="status">
          {t('chat.closedNotice')}
        </p>
      ) : (
        <Composer send={(text) => thread.send(text)} />
      )}
      <SafetyNumberPanel safety={client.safety} peer={conversation.peer} />
      <ConversationActions desk={desk} conversation={id} closed={closed} canBlock={canBlock} />
    </section>
  );
}

export function ChatScreen() {
  const client = useObservable(session.client);
  const id = useObservable(openConversation);
  if (client === undefined) return null;
  return id === undefined ? <ChatListScreen /> : <Conversation client={client} id={id} />;
}
