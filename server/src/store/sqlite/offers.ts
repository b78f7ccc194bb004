// OfferStore on SQLite: one row per volunteer, replaced whole by each put.
import type Database from 'better-sqlite3';
import { languageCodeSchema, offerSkillSchema, regionCodeSchema } from '@kolokol/shared';
import type { OfferRecord, OfferStore } from '../ports.js';
import { settle, toPlainBytes } from './codec.js';
import { fromJsonList, toJsonList } from './json-codes.js';

interface OfferRow {
  readonly account_id: string;
  readonly skills: string;
  readonly languages: string;
  readonly regions: string;
  readonly utc_offset_minutes: number;
  readonly availability: Uint8Array;
  readonly capacity: number;
  readonly paused: number;
  readonly note: Uint8Array | null;
  readonly updated_at: number;
}

type PutParams = [
  accountId: string,
  skills: string,
  languages: string,
  regions: string,
  utcOffsetMinutes: number,
  availability: Uint8Array,
  capacity: number,
  paused: 0 | 1,
  note: Uint8Array | null,
  updatedAt: number,
];

const COLUMNS =
  'account_id, skills, languages, regions, utc_offset_minutes, availability, capacity, paused, note, updated_at';

function toOffer(row: OfferRow): OfferRecord {
  return {
    accountId: row.account_id,
    skills: fromJsonList(row.skills, offerSkillSchema, 'offer skills'),
    languages: fromJsonList(row.languages, languageCodeSchema, 'offer languages'),
    regions: fromJsonList(row.regions, regionCodeSchema, 'offer regions'),
    utcOffsetMinutes: row.utc_offset_minutes,
    availability: toPlainBytes(row.availability),
    capacity: row.capacity,
    paused: row.paused === 1,
    note: row.note === null ? null : toPlainBytes(row.note),
    updatedAt: row.updated_at,
  };
}

export function createSqliteOfferStore(db: Database.Database): OfferStore {
  const exists = db.prepare<[string], { readonly found: 1 }>(
    'SELECT 1 AS found FROM offers WHERE account_id = ?',
  );
  const upsert = db.prepare<PutParams>(
    `INSERT INTO offers (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id) DO UPDATE SET
       skills = excluded.skills, languages = excluded.languages, regions = excluded.regions,
       utc_offset_minutes = excluded.utc_offset_minutes, availability = excluded.availability,
       capacity = excluded.capacity, paused = excluded.paused, note = excluded.note,
       updated_at = excluded.updated_at`,
  );
  const findOne = db.prepare<[string], OfferRow>(
    `SELECT ${COLUMNS} FROM offers WHERE account_id = ?`,
  );
  const findMany = db.prepare<[string], OfferRow>(
    `SELECT ${COLUMNS} FROM offers WHERE account_id IN (SELECT value FROM json_each(?))`,
  );
  const setPaused = db.prepare<[0 | 1, number, string], OfferRow>(
    `UPDATE offers SET paused = ?, updated_at = ? WHERE account_id = ? RETURNING ${COLUMNS}`,
  );

  // IMMEDIATE: 'created' or 'replaced' is decided by the row the write saw.
  const putTx = db.transaction((offer: OfferRecord): 'created' | 'replaced' => {
    const existed = exists.get(offer.accountId) !== undefined;
    upsert.run(
      offer.accountId,
      toJsonList(offer.skills),
      toJsonList(offer.languages),
      toJsonList(offer.regions),
      offer.utcOffsetMinutes,
      offer.availability,
      offer.capacity,
      offer.paused ? 1 : 0,
      offer.note,
      offer.updatedAt,
    );
    return existed ? 'replaced' : 'created';
  });

  return {
    putOffer(offer) {
      return settle(() => putTx.immediate(offer));
    },

    findOffer(accountId) {
      return settle(() => {
        const row = findOne.get(accountId);
        return row === undefined ? undefined : toOffer(row);
      });
    },

    findOffers(accountIds) {
      return settle(() => findMany.all(JSON.stringify(accountIds)).map(toOffer));
    },

    setOfferPaused(accountId, paused, at) {
      return settle(() => {
        const row = setPaused.get(paused ? 1 : 0, at, accountId);
        return row === undefined ? undefined : toOffer(row);
      });
    },
  };
}
