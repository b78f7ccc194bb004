// reports.list: open abuse reports with their sealed notes, a page at a time (moderators, admins).
import type { ReportService } from '../../domain/reports.js';
import { defineHandler } from '../handler.js';

export function reportsList(reports: ReportService) {
  return defineHandler({
    event: 'reports.list',
    roles: ['moderator', 'admin'],
    handle: ({ after }, { caller }) => reports.list(caller, after),
  });
}
