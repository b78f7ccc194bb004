// The chat list's order: open conversations first, the newest first, then the closed ones.
import type { LocalConversation } from '@kolokol/client/core';

export function orderedConversations(
  conversations: readonly LocalConversation[],
): LocalConversation[] {
  return [...conversations].sort(
    (a, b) =>
      Number(a.closedAt !== null) - Number(b.closedAt !== null) || b.createdAt - a.createdAt,
  );
}
