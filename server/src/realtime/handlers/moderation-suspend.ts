// moderation.suspend: suspend an account by a signed statement (certified staff); its sessions
// end and its sockets are disconnected at once.
import type { ModerationService } from '../../domain/audit/moderation.js';
import { wireEntryRef } from '../../domain/audit/audit-log.js';
import { defineHandler } from '../handler.js';

export function moderationSuspend(moderation: ModerationService) {
  return defineHandler({
    event: 'moderation.suspend',
    roles: ['moderator', 'admin'],
    handle: async ({ statement }, { caller }) => {
      const { sessionsEnded, entry } = await moderation.suspend(caller, statement);
      return { sessionsEnded, entry: wireEntryRef(entry) };
    },
  });
}
