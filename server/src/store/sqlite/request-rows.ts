// A requests row as SQLite returns it and its mapping to a RequestRecord, shared by the request
// store and the proposal writes that move a request's state in the same transaction.
import {
  languageCodeSchema,
  regionCodeSchema,
  requestStateSchema,
  skillCodeSchema,
  urgencySchema,
} from '@kolokol/shared';
import type { RequestRecord } from '../ports.js';
import { fromColumn, fromJsonList } from './json-codes.js';

export interface RequestRow {
  readonly id: string;
  readonly owner_id: string;
  readonly client_id: string;
  readonly skills: string;
  readonly urgency: string;
  readonly languages: string;
  readonly region: string;
  readonly state: string;
  readonly created_at: number;
  readonly updated_at: number;
}

/** The columns a RequestRow holds, in the order of the table. */
export const REQUEST_COLUMNS =
  'id, owner_id, client_id, skills, urgency, languages, region, state, created_at, updated_at';

/** Maps a row to a RequestRecord, checking every code against shared's schemas. */
export function toRequest(row: RequestRow): RequestRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    clientId: row.client_id,
    skills: fromJsonList(row.skills, skillCodeSchema, 'request skills'),
    urgency: fromColumn(row.urgency, urgencySchema, 'request urgency'),
    languages: fromJsonList(row.languages, languageCodeSchema, 'request languages'),
    region: fromColumn(row.region, regionCodeSchema, 'request region'),
    state: fromColumn(row.state, requestStateSchema, 'request state'),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
