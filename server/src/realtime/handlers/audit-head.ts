// audit.head: the audit log's length and head hash (staff), to keep as a checkpoint or to sign
// into the next statement as the head the client saw.
import { toBase64Url } from '@kolokol/shared';
import type { AuditLog } from '../../domain/audit/audit-log.js';
import { defineHandler } from '../handler.js';

export function auditHead(log: AuditLog) {
  return defineHandler({
    event: 'audit.head',
    roles: ['moderator', 'admin'],
    handle: async () => {
      const { length, hash } = await log.head();
      return { length, head: toBase64Url(hash) };
    },
  });
}
