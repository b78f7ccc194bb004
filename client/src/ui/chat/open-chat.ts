// Which conversation the chat screen shows: kept in memory only (never in the address or the
// browser's storage, which would leave a trace), so after a reload the list shows first.
import { Observable } from '@kolokol/client/core';
import { navigate } from '../router.js';

export const openConversation = new Observable<string | undefined>(undefined);

export function openChat(id: string): void {
  openConversation.set(id);
  navigate('chat');
}
