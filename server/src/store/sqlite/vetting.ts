// VettingStore on SQLite: each volunteer's current tier and its pending high-tier endorsements.
// Written only by audited decisions, through prepareVettingWrites inside the audit append.
import type Database from 'better-sqlite3';
import type { RiskTier, VettingTier } from '@kolokol/shared';
import type { HighEndorsement, VettingChange, VettingRecord, VettingStore } from '../ports.js';
import { settle } from './codec.js';

interface VettingRow {
  readonly volunteer_id: string;
  readonly tier: string;
  readonly since: number;
  readonly decided_by: string;
}

interface EndorsementRow {
  readonly volunteer_id: string;
  readonly moderator_id: string;
  readonly seq: number;
  readonly certificate_serial: string;
  readonly certificate_expires_at: number;
  readonly endorsed_at: number;
}

/** A tier column's value; the CHECK constraint makes anything else a corrupted file. */
function toTier(text: string): RiskTier {
  if (text !== 'standard' && text !== 'high') throw new Error('store: unknown vetting tier');
  return text;
}

function toRecord(row: VettingRow): VettingRecord {
  return {
    volunteerId: row.volunteer_id,
    tier: toTier(row.tier),
    since: row.since,
    decidedBy: row.decided_by.split(','),
  };
}

function toEndorsement(row: EndorsementRow): HighEndorsement {
  return {
    volunteerId: row.volunteer_id,
    moderatorId: row.moderator_id,
    seq: row.seq,
    certificateSerial: row.certificate_serial,
    certificateExpiresAt: row.certificate_expires_at,
    endorsedAt: row.endorsed_at,
  };
}

/** Applies a VettingChange with plain statements; the caller runs it inside its transaction. */
export function prepareVettingWrites(db: Database.Database): (change: VettingChange) => void {
  // Account ids are base64url, so a comma cannot occur inside one.
  const upsert = db.prepare<[string, string, number, string]>(
    `INSERT INTO vetting (volunteer_id, tier, since, decided_by) VALUES (?, ?, ?, ?)
     ON CONFLICT (volunteer_id) DO UPDATE
       SET tier = excluded.tier, since = excluded.since, decided_by = excluded.decided_by`,
  );
  const remove = db.prepare<[string]>('DELETE FROM vetting WHERE volunteer_id = ?');
  const clear = db.prepare<[string]>('DELETE FROM vetting_endorsements WHERE volunteer_id = ?');
  const endorse = db.prepare<[string, string, number, string, number, number]>(
    `INSERT OR REPLACE INTO vetting_endorsements
       (volunteer_id, moderator_id, seq, certificate_serial, certificate_expires_at, endorsed_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  return (change) => {
    if (change.vetting === null) remove.run(change.volunteerId);
    if (change.vetting) {
      const { volunteerId, tier, since, decidedBy } = change.vetting;
      if (volunteerId !== change.volunteerId)
        throw new Error('store: vetting of another volunteer');
      upsert.run(volunteerId, tier, since, decidedBy.join(','));
    }
    if (change.clearEndorsements) clear.run(change.volunteerId);
    if (change.endorse) {
      const e = change.endorse;
      if (e.volunteerId !== change.volunteerId) throw new Error('store: endorsement of another');
      endorse.run(
        e.volunteerId,
        e.moderatorId,
        e.seq,
        e.certificateSerial,
        e.certificateExpiresAt,
        e.endorsedAt,
      );
    }
  };
}

export function createSqliteVettingStore(db: Database.Database): VettingStore {
  const byVolunteer = db.prepare<[string], VettingRow>(
    'SELECT volunteer_id, tier, since, decided_by FROM vetting WHERE volunteer_id = ?',
  );
  const endorsementsOf = db.prepare<[string], EndorsementRow>(
    `SELECT volunteer_id, moderator_id, seq, certificate_serial, certificate_expires_at, endorsed_at
     FROM vetting_endorsements WHERE volunteer_id = ? ORDER BY seq`,
  );
  // A suspended account is never matchable: the join leaves it out.
  const liveTierOf = db.prepare<[string], { readonly tier: string }>(
    `SELECT vetting.tier FROM vetting JOIN accounts ON accounts.id = vetting.volunteer_id
     WHERE vetting.volunteer_id = ? AND accounts.suspended_at IS NULL`,
  );
  const liveTiersOf = db.prepare<
    [string],
    { readonly volunteer_id: string; readonly tier: string }
  >(
    `SELECT vetting.volunteer_id, vetting.tier FROM vetting
     JOIN accounts ON accounts.id = vetting.volunteer_id
     WHERE vetting.volunteer_id IN (SELECT value FROM json_each(?))
       AND accounts.suspended_at IS NULL`,
  );
  const liveVetted = db.prepare<[], { readonly volunteer_id: string; readonly tier: string }>(
    `SELECT vetting.volunteer_id, vetting.tier FROM vetting
     JOIN accounts ON accounts.id = vetting.volunteer_id
     WHERE accounts.suspended_at IS NULL ORDER BY vetting.volunteer_id`,
  );

  const allVetting = db.prepare<[], VettingRow>(
    'SELECT volunteer_id, tier, since, decided_by FROM vetting ORDER BY volunteer_id',
  );
  const allEndorsements = db.prepare<[], EndorsementRow>(
    `SELECT volunteer_id, moderator_id, seq, certificate_serial, certificate_expires_at, endorsed_at
     FROM vetting_endorsements ORDER BY volunteer_id, seq`,
  );

  return {
    find(volunteerId) {
      return settle(() => {
        const row = byVolunteer.get(volunteerId);
        return row === undefined ? undefined : toRecord(row);
      });
    },

    endorsements(volunteerId) {
      return settle(() => endorsementsOf.all(volunteerId).map(toEndorsement));
    },

    tierOf(accountId) {
      return settle((): VettingTier => {
        const row = liveTierOf.get(accountId);
        return row === undefined ? 'none' : toTier(row.tier);
      });
    },

    tiersOf(accountIds) {
      return settle(() => {
        const tiers = new Map<string, VettingTier>(accountIds.map((id) => [id, 'none']));
        for (const row of liveTiersOf.all(JSON.stringify(accountIds))) {
          tiers.set(row.volunteer_id, toTier(row.tier));
        }
        return tiers;
      });
    },

    everything() {
      return settle(() => ({
        vetting: allVetting.all().map(toRecord),
        endorsements: allEndorsements.all().map(toEndorsement),
      }));
    },

    listVetted() {
      return settle(() =>
        liveVetted.all().map((row) => ({ accountId: row.volunteer_id, tier: toTier(row.tier) })),
      );
    },
  };
}
