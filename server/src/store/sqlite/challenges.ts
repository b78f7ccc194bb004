// ChallengeStore on SQLite: the random ids of redeemed login challenges, until they expire.
// No handle, no nonce: a seized file says only that some challenge was redeemed.
import type Database from 'better-sqlite3';
import type { ChallengeStore } from '../ports.js';
import { settle } from './codec.js';

export function createSqliteChallengeStore(db: Database.Database): ChallengeStore {
  // One statement checks and records: of two concurrent redemptions exactly one inserts a row.
  const insertSpent = db.prepare<[string, number]>(
    'INSERT INTO spent_challenges (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING',
  );
  const purgeExpired = db.prepare<[number]>('DELETE FROM spent_challenges WHERE expires_at <= ?');

  return {
    spend(id, expiresAt) {
      return settle(() => insertSpent.run(id, expiresAt).changes === 1);
    },

    purge(now) {
      return settle(() => purgeExpired.run(now).changes);
    },
  };
}
