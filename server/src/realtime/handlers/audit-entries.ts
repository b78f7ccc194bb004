// audit.entries: a page of the audit log exactly as stored (staff), so a moderator's device can
// verify the whole chain against the pinned root key itself instead of trusting the server's word
// (docs/protocol.md "audit.entries" says why staff may read every entry).
import { toBase64Url } from '@kolokol/shared';
import type { AuditLog } from '../../domain/audit/audit-log.js';
import { defineHandler } from '../handler.js';

export function auditEntries(log: AuditLog) {
  return defineHandler({
    event: 'audit.entries',
    roles: ['moderator', 'admin'],
    handle: async ({ after, limit }) => {
      const { head, entries } = await log.page(after, limit);
      return {
        entries: entries.map((entry) => ({
          seq: entry.seq,
          type: entry.type,
          recordedAt: entry.recordedAt,
          payload: toBase64Url(entry.payload),
          certificate: entry.certificate === null ? null : toBase64Url(entry.certificate),
          prevHash: toBase64Url(entry.prevHash),
          hash: toBase64Url(entry.hash),
        })),
        length: head.length,
        head: toBase64Url(head.hash),
      };
    },
  });
}
