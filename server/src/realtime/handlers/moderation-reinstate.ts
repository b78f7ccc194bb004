// moderation.reinstate: lift a suspension by a signed statement (certified staff).
import type { ModerationService } from '../../domain/audit/moderation.js';
import { wireEntryRef } from '../../domain/audit/audit-log.js';
import { defineHandler } from '../handler.js';

export function moderationReinstate(moderation: ModerationService) {
  return defineHandler({
    event: 'moderation.reinstate',
    roles: ['moderator', 'admin'],
    handle: async ({ statement }, { caller }) => {
      const { entry } = await moderation.reinstate(caller, statement);
      return { entry: wireEntryRef(entry) };
    },
  });
}
