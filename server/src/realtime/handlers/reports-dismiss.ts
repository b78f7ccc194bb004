// reports.dismiss: close an open report without action, by a signed dismiss_report statement.
import { wireEntryRef } from '../../domain/audit/audit-log.js';
import type { ReportService } from '../../domain/reports.js';
import { defineHandler } from '../handler.js';

export function reportsDismiss(reports: ReportService) {
  return defineHandler({
    event: 'reports.dismiss',
    roles: ['moderator', 'admin'],
    handle: async ({ statement }, { caller }) => {
      const { report, entry } = await reports.dismiss(caller, statement);
      return { report, entry: wireEntryRef(entry) };
    },
  });
}
