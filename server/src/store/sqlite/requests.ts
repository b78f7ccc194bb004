// RequestStore on SQLite: contacts' requests, each state change a single conditional UPDATE
// (compare-and-swap on the state), the sealed details dropped in the same write when one ends.
import type Database from 'better-sqlite3';
import type { RequestState } from '@kolokol/shared';
import type { CreateRequestResult, NewRequest, RequestStore } from '../ports.js';
import { settle, toPlainBytes } from './codec.js';
import { toJsonList } from './json-codes.js';
import { REQUEST_COLUMNS, toRequest, type RequestRow } from './request-rows.js';

interface InsertParams {
  readonly id: string;
  readonly owner: string;
  readonly clientId: string;
  readonly skills: string;
  readonly urgency: string;
  readonly languages: string;
  readonly region: string;
  readonly details: Uint8Array;
  readonly at: number;
}

interface ExpireParams {
  readonly at: number;
  /** JSON array of the states that expire. */
  readonly from: string;
  readonly before: number;
  readonly limit: number;
}

interface TransitionParams {
  readonly id: string;
  readonly to: RequestState;
  readonly at: number;
  /** JSON array of the states the request may be in. */
  readonly from: string;
  readonly owner: string | null;
  readonly drop: 0 | 1;
}

export function createSqliteRequestStore(db: Database.Database): RequestStore {
  const byClientId = db.prepare<
    [string, string],
    RequestRow & { readonly details: Uint8Array | null }
  >(`SELECT ${REQUEST_COLUMNS}, details FROM requests WHERE owner_id = ? AND client_id = ?`);
  const liveCount = db.prepare<[string, string], { readonly live: number }>(
    `SELECT count(*) AS live FROM requests
     WHERE owner_id = ? AND state IN (SELECT value FROM json_each(?))`,
  );
  const insert = db.prepare<InsertParams>(
    `INSERT INTO requests
       (id, owner_id, client_id, skills, urgency, languages, region, state, details, created_at,
        updated_at)
     VALUES (:id, :owner, :clientId, :skills, :urgency, :languages, :region, 'open', :details,
             :at, :at)`,
  );
  const findOne = db.prepare<[string], RequestRow>(
    `SELECT ${REQUEST_COLUMNS} FROM requests WHERE id = ?`,
  );
  const detailsOf = db.prepare<[string], { readonly details: Uint8Array | null }>(
    'SELECT details FROM requests WHERE id = ?',
  );
  const listOf = db.prepare<[string, number], RequestRow>(
    `SELECT ${REQUEST_COLUMNS} FROM requests WHERE owner_id = ?
     ORDER BY created_at DESC, id DESC LIMIT ?`,
  );
  const inState = db.prepare<[string, number], RequestRow>(
    `SELECT ${REQUEST_COLUMNS} FROM requests WHERE state = ? ORDER BY created_at, id LIMIT ?`,
  );
  // The state check is in the WHERE clause: the change applies only to the state the domain saw.
  const transition = db.prepare<TransitionParams, RequestRow>(
    `UPDATE requests
     SET state = :to, updated_at = :at, details = iif(:drop = 1, NULL, details)
     WHERE id = :id
       AND state IN (SELECT value FROM json_each(:from))
       AND (:owner IS NULL OR owner_id = :owner)
     RETURNING ${REQUEST_COLUMNS}`,
  );
  const expire = db.prepare<ExpireParams, RequestRow>(
    `UPDATE requests SET state = 'expired', updated_at = :at, details = NULL
     WHERE id IN (SELECT id FROM requests
                  WHERE state IN (SELECT value FROM json_each(:from)) AND created_at <= :before
                  ORDER BY created_at LIMIT :limit)
     RETURNING ${REQUEST_COLUMNS}`,
  );
  const purge = db.prepare<[string, number]>(
    `DELETE FROM requests
     WHERE state IN (SELECT value FROM json_each(?)) AND updated_at <= ?`,
  );

  // IMMEDIATE: the duplicate check and the live count must still hold when the row is written,
  // also against a second process on the same file.
  const createTx = db.transaction(
    (
      request: NewRequest,
      limit: { readonly maxLive: number; readonly liveStates: readonly RequestState[] },
    ): CreateRequestResult => {
      const earlier = byClientId.get(request.ownerId, request.clientId);
      if (earlier !== undefined) {
        return {
          kind: 'duplicate',
          request: toRequest(earlier),
          details: earlier.details === null ? null : toPlainBytes(earlier.details),
        };
      }
      const live = liveCount.get(request.ownerId, JSON.stringify(limit.liveStates))?.live ?? 0;
      if (live >= limit.maxLive) return { kind: 'limit' };
      insert.run({
        id: request.id,
        owner: request.ownerId,
        clientId: request.clientId,
        skills: toJsonList(request.skills),
        urgency: request.urgency,
        languages: toJsonList(request.languages),
        region: request.region,
        details: request.details,
        at: request.createdAt,
      });
      const created = findOne.get(request.id);
      if (created === undefined) throw new Error('store: created request not found');
      return { kind: 'created', request: toRequest(created) };
    },
  );

  return {
    createRequest(request, limit) {
      return settle(() => createTx.immediate(request, limit));
    },

    findRequest(id) {
      return settle(() => {
        const row = findOne.get(id);
        return row === undefined ? undefined : toRequest(row);
      });
    },

    findRequestDetails(id) {
      return settle(() => {
        const details = detailsOf.get(id)?.details;
        return details === undefined || details === null ? undefined : toPlainBytes(details);
      });
    },

    listRequestsInState(state, limit) {
      return settle(() => inState.all(state, limit).map(toRequest));
    },

    listRequestsOf(ownerId, limit) {
      return settle(() => listOf.all(ownerId, limit).map(toRequest));
    },

    transitionRequest(id, change) {
      return settle(() => {
        const row = transition.get({
          id,
          to: change.to,
          at: change.at,
          from: JSON.stringify(change.from),
          owner: change.ownerId ?? null,
          drop: change.dropDetails ? 1 : 0,
        });
        return row === undefined ? undefined : toRequest(row);
      });
    },

    expireRequests({ from, createdBefore, at, limit }) {
      return settle(() =>
        expire.all({ at, from: JSON.stringify(from), before: createdBefore, limit }).map(toRequest),
      );
    },

    purgeRequests(states, before) {
      return settle(() => purge.run(JSON.stringify(states), before).changes);
    },
  };
}
