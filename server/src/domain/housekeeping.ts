// Periodic deletion of what the server no longer needs: the ids of spent login challenges once
// they expired (a challenge past its expiry cannot be presented again), sessions that expired
// or were revoked, device reservations no list added in time, and conversation messages past their
// conversation's disappearing-message timer (with closed conversations once their last message
// could have expired). A seized store should hold as little as possible; an ended session needs no
// row to stay refused. The store's purge
// methods also scrub what they delete from its write-ahead log (docs/protocol.md, "What a
// seized server holds"), so a purge leaves no copy on disk either.
import type { Store } from '../store/ports.js';
import type { Clock } from './clock.js';

export const HOUSEKEEPING_INTERVAL_MS = 60 * 1000;

export async function purgeExpired(
  store: Store,
  clock: Clock,
): Promise<{
  challenges: number;
  sessions: number;
  pendingDevices: number;
  conversationMessages: number;
  conversations: number;
}> {
  const now = clock.now();
  const expired = await store.conversations.purgeExpired(now);
  return {
    challenges: await store.challenges.purge(now),
    sessions: await store.sessions.purge(now),
    pendingDevices: await store.devices.purgePending(now),
    conversationMessages: expired.messages,
    conversations: expired.conversations,
  };
}
