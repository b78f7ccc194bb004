// Who may open an end-to-end channel with whom (fetch a prekey bundle, list devices, open a
// conversation). A moderator or admin on at least one side (vetting interviews, moderation); or a
// contact and a volunteer exactly while a match between them is accepted and its request active
// (issue 8): never before the volunteer accepted, never after the match ended, was withdrawn or
// either side blocked the other. Suspended accounts take no part.
import type { Role } from '@kolokol/shared';
import type { AccountRecord, Store } from '../store/ports.js';

const STAFF: ReadonlySet<Role> = new Set(['moderator', 'admin']);

/** Moderators and admins: the accounts the operator created, who vet and moderate. */
export function isStaff(role: Role): boolean {
  return STAFF.has(role);
}

export async function mayOpenChannel(
  store: Store,
  caller: { readonly accountId: string; readonly role: Role },
  target: AccountRecord,
): Promise<boolean> {
  if (caller.accountId === target.id || target.suspendedAt !== null) return false;
  if (isStaff(caller.role) || isStaff(target.role)) return true;
  const pair =
    (caller.role === 'contact' && target.role === 'volunteer') ||
    (caller.role === 'volunteer' && target.role === 'contact');
  return pair && store.proposals.hasLiveMatchBetween(caller.accountId, target.id);
}
