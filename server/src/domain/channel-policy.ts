// Who may open an end-to-end channel with whom (fetch a prekey bundle, send a direct envelope).
// Decided for issue 3, before matching exists: a channel needs a moderator or admin on at least
// one side (vetting interviews, moderation), never contact↔volunteer directly — that comes
// only through a moderator-approved match in a later issue. Suspended accounts take no part.
import type { Role } from '@kolokol/shared';
import type { AccountRecord } from '../store/ports.js';

const STAFF: ReadonlySet<Role> = new Set(['moderator', 'admin']);

/** Moderators and admins: the accounts the operator created, who vet and moderate. */
export function isStaff(role: Role): boolean {
  return STAFF.has(role);
}

export function mayOpenChannel(
  caller: { readonly accountId: string; readonly role: Role },
  target: AccountRecord,
): boolean {
  if (caller.accountId === target.id || target.suspendedAt !== null) return false;
  return isStaff(caller.role) || isStaff(target.role);
}
