// What a message's state means to the person, one catalogue key each (`chat.status.<status>`).
// A message in the outbox reads differently online (being sent) and offline (waits for the
// network): the person must know it is kept and will go by itself. "Delivered" once a device of
// the other person stored it (the conversation's delivered mark, docs/client.md).
import type { ConnectionState, LocalMessage } from '@kolokol/client/core';

export type MessageStatus =
  'sending' | 'waiting-for-network' | 'sent' | 'delivered' | 'failed' | 'received' | 'unreadable';

export function messageStatus(message: LocalMessage, connection: ConnectionState): MessageStatus {
  switch (message.state) {
    case 'queued':
      return connection === 'connected' ? 'sending' : 'waiting-for-network';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'failed':
      return 'failed';
    case 'received':
      return 'received';
    case 'undecryptable':
      return 'unreadable';
  }
}
