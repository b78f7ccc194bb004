// vetting.status: a volunteer's vetting tier — staff for any volunteer, a volunteer for itself.
import type { VettingService } from '../../domain/audit/vetting.js';
import { defineHandler } from '../handler.js';

export function vettingStatus(vetting: VettingService) {
  return defineHandler({
    event: 'vetting.status',
    roles: ['volunteer', 'moderator', 'admin'],
    handle: ({ accountId }, { caller }) => vetting.status(caller, accountId),
  });
}
