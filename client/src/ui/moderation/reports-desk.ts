// The open reports staff may decide, over the client core (live: `reports.changed` pushes and
// reconnects), each note opened on this device; dismissing one, or suspending its subject (which
// actions the report in the same decision).
import type { AuditReason } from '@kolokol/shared/crypto';
import type { KolokolClient, ReportView } from '@kolokol/client/core';
import { LiveList } from '../flows/live-list.js';

export class ReportsDesk {
  readonly reports: LiveList<ReportView>;

  constructor(private readonly client: KolokolClient) {
    // One page (the oldest open reports first); the next comes up as these are decided.
    this.reports = new LiveList(client, async () => (await client.reports.list()).reports, [
      'reports.changed',
    ]);
  }

  start(): Promise<void> {
    return this.reports.refresh();
  }

  stop(): void {
    this.reports.stop();
  }

  async dismiss(view: ReportView, reason: AuditReason): Promise<void> {
    await this.client.reports.dismiss(view.report, reason);
    await this.reports.refresh();
  }

  async suspendSubject(view: ReportView, reason: AuditReason): Promise<void> {
    await this.client.suspensions.suspend(view.report.subjectId, reason, view.report.id);
    await this.reports.refresh();
  }
}
