// volunteers.vet: vet a volunteer at a tier by a signed statement (certified moderators and admins).
import { wireEntryRef } from '../../domain/audit/audit-log.js';
import type { VettingService } from '../../domain/audit/vetting.js';
import { defineHandler } from '../handler.js';

export function volunteersVet(vetting: VettingService) {
  return defineHandler({
    event: 'volunteers.vet',
    roles: ['moderator', 'admin'],
    handle: async ({ statement }, { caller }) => {
      const { status, entry } = await vetting.vet(caller, statement);
      return { status, entry: wireEntryRef(entry) };
    },
  });
}
