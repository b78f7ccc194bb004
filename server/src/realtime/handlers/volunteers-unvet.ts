// volunteers.unvet: withdraw a volunteer's vetting by a signed statement (certified staff).
import { wireEntryRef } from '../../domain/audit/audit-log.js';
import type { VettingService } from '../../domain/audit/vetting.js';
import { defineHandler } from '../handler.js';

export function volunteersUnvet(vetting: VettingService) {
  return defineHandler({
    event: 'volunteers.unvet',
    roles: ['moderator', 'admin'],
    handle: async ({ statement }, { caller }) => {
      const { status, entry } = await vetting.unvet(caller, statement);
      return { status, entry: wireEntryRef(entry) };
    },
  });
}
