// ChallengeStore on SQLite: single-use login challenges, consumed by one atomic DELETE … RETURNING.
import type Database from 'better-sqlite3';
import type { ChallengeStore } from '../ports.js';
import { toPlainBytes, settle } from './codec.js';

interface ChallengeRow {
  readonly id: string;
  readonly handle: string;
  readonly nonce: Uint8Array;
  readonly expires_at: number;
}

export function createSqliteChallengeStore(db: Database.Database): ChallengeStore {
  const insert = db.prepare<[string, string, Uint8Array, number]>(
    'INSERT INTO challenges (id, handle, nonce, expires_at) VALUES (?, ?, ?, ?)',
  );
  // One statement both checks and deletes, so no second caller can consume the same challenge;
  // an expired one is left for purge rather than handed out.
  const consumeLive = db.prepare<[string, number], ChallengeRow>(
    'DELETE FROM challenges WHERE id = ? AND expires_at > ? RETURNING id, handle, nonce, expires_at',
  );
  const purgeExpired = db.prepare<[number]>('DELETE FROM challenges WHERE expires_at <= ?');

  return {
    create(challenge) {
      return settle(() => {
        insert.run(challenge.id, challenge.handle, challenge.nonce, challenge.expiresAt);
      });
    },

    consume(id, now) {
      return settle(() => {
        const row = consumeLive.get(id, now);
        if (row === undefined) {
          return undefined;
        }
        return {
          id: row.id,
          handle: row.handle,
          nonce: toPlainBytes(row.nonce),
          expiresAt: row.expires_at,
        };
      });
    },

    purge(now) {
      return settle(() => purgeExpired.run(now).changes);
    },
  };
}
