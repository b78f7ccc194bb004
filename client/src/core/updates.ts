// What changed on the server that the app shows as state: each push (`requests.changed`,
// `matches.changed`, `moderation.queue_changed`, `reports.changed`, `devices.changed`) parsed by
// its shared schema and re-emitted typed, plus the vetting statuses this client learned and a
// `resynced` after every reconnect — pushes sent while the socket was down are lost, so a screen
// refetches its list then. One instance per client, so a listener outlives any feature object.
import {
  devicesChangedSchema,
  matchesChangedSchema,
  queueChangedSchema,
  reportsChangedSchema,
  requestsChangedSchema,
  type DevicesChanged,
  type MatchesChanged,
  type QueueChanged,
  type ReportsChanged,
  type RequestsChanged,
  type VettingStatus,
} from '@kolokol/shared';
import type { z } from 'zod';
import type { Connection } from './connection.js';
import { Emitter } from './observable.js';

export class Updates {
  /** A contact's request changed state: refetch with `requests.list`. */
  readonly requests = new Emitter<RequestsChanged>();
  /** A match changed state: refetch with `matches.list`. */
  readonly matches = new Emitter<MatchesChanged>();
  /** Staff: the moderation queue changed (`pending` proposals now). */
  readonly queue = new Emitter<QueueChanged>();
  /** Staff: an abuse report was made or closed. */
  readonly reports = new Emitter<ReportsChanged>();
  /** The account's device list changed (a device added or removed). */
  readonly devices = new Emitter<DevicesChanged>();
  /** A vetting status this client learned (its own decisions' answers, `vetting.status`). */
  readonly vetting = new Emitter<VettingStatus>();
  /** The connection is back after a drop: pushes may have been missed, refetch what is shown. */
  readonly resynced = new Emitter<void>();

  constructor(connection: Connection) {
    relay(connection, 'requests.changed', requestsChangedSchema, this.requests);
    relay(connection, 'matches.changed', matchesChangedSchema, this.matches);
    relay(connection, 'moderation.queue_changed', queueChangedSchema, this.queue);
    relay(connection, 'reports.changed', reportsChangedSchema, this.reports);
    relay(connection, 'devices.changed', devicesChangedSchema, this.devices);
    let first = true;
    connection.connected.on(() => {
      if (!first) this.resynced.emit();
      first = false;
    });
  }
}

/** Re-emits a push that parses; one outside the contract is dropped (the app refetches anyway). */
function relay<T>(
  connection: Connection,
  event: Parameters<Connection['onPush']>[0],
  schema: z.ZodType<T>,
  to: Emitter<T>,
): void {
  connection.onPush(event, (raw) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) to.emit(parsed.data);
  });
}
