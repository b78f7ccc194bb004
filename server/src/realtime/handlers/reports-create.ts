// reports.create: report an account for abuse; the answer says only that it was received.
import type { ReportService } from '../../domain/reports.js';
import { EVERY_ROLE, defineHandler } from '../handler.js';

export function reportsCreate(reports: ReportService) {
  return defineHandler({
    event: 'reports.create',
    roles: EVERY_ROLE,
    handle: (input, { caller }) => reports.create(caller, input),
  });
}
