// PrekeyStore on SQLite: signed prekeys per account and a pool of one-time prekeys taken one at a time.
import type Database from 'better-sqlite3';
import type { PrekeyStore, StoredPrekey, TakenBundle } from '../ports.js';
import { toPlainBytes, settle } from './codec.js';

interface SignedRow {
  readonly signed_id: number;
  readonly signed_public_key: Uint8Array;
  readonly signed_signature: Uint8Array;
  readonly kem_id: number;
  readonly kem_public_key: Uint8Array;
  readonly kem_signature: Uint8Array;
}

interface OneTimeRow {
  readonly id: number;
  readonly public_key: Uint8Array;
  readonly signature: Uint8Array;
}

type UpsertSignedParams = [
  accountId: string,
  signedId: number,
  signedPublicKey: Uint8Array,
  signedSignature: Uint8Array,
  kemId: number,
  kemPublicKey: Uint8Array,
  kemSignature: Uint8Array,
  updatedAt: number,
];

type AddResult = 'added' | 'duplicate' | 'too-many';

function toPrekey(id: number, publicKey: Uint8Array, signature: Uint8Array): StoredPrekey {
  return { id, publicKey: toPlainBytes(publicKey), signature: toPlainBytes(signature) };
}

export function createSqlitePrekeyStore(db: Database.Database): PrekeyStore {
  const upsertSigned = db.prepare<UpsertSignedParams>(
    `INSERT INTO signed_prekeys (account_id, signed_id, signed_public_key, signed_signature,
                                 kem_id, kem_public_key, kem_signature, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_id) DO UPDATE SET
       signed_id = excluded.signed_id, signed_public_key = excluded.signed_public_key,
       signed_signature = excluded.signed_signature, kem_id = excluded.kem_id,
       kem_public_key = excluded.kem_public_key, kem_signature = excluded.kem_signature,
       updated_at = excluded.updated_at`,
  );
  const signedOf = db.prepare<[string], SignedRow>(
    `SELECT signed_id, signed_public_key, signed_signature, kem_id, kem_public_key, kem_signature
     FROM signed_prekeys WHERE account_id = ?`,
  );
  const countOf = db.prepare<[string], { readonly count: number }>(
    'SELECT count(*) AS count FROM one_time_prekeys WHERE account_id = ?',
  );
  const oneTimeExists = db.prepare<[string, number], { readonly found: 1 }>(
    'SELECT 1 AS found FROM one_time_prekeys WHERE account_id = ? AND id = ?',
  );
  const insertOneTime = db.prepare<[string, number, Uint8Array, Uint8Array]>(
    'INSERT INTO one_time_prekeys (account_id, id, public_key, signature) VALUES (?, ?, ?, ?)',
  );
  // Selecting and deleting the lowest id in one statement is what makes a take single-use.
  const takeLowest = db.prepare<[string, string], OneTimeRow>(
    `DELETE FROM one_time_prekeys
     WHERE account_id = ? AND id = (SELECT min(id) FROM one_time_prekeys WHERE account_id = ?)
     RETURNING id, public_key, signature`,
  );

  const count = (accountId: string): number => countOf.get(accountId)?.count ?? 0;

  // IMMEDIATE transactions below: each reads state and writes from it, and the admin CLI or a
  // second server process may share the file; taking the write lock first rules out both
  // lost updates and SQLITE_BUSY on a late lock upgrade.
  const addTx = db.transaction(
    (accountId: string, prekeys: readonly StoredPrekey[], maxTotal: number): AddResult => {
      const seen = new Set<number>();
      for (const prekey of prekeys) {
        if (seen.has(prekey.id) || oneTimeExists.get(accountId, prekey.id) !== undefined) {
          return 'duplicate';
        }
        seen.add(prekey.id);
      }
      if (count(accountId) + prekeys.length > maxTotal) {
        return 'too-many';
      }
      for (const prekey of prekeys) {
        insertOneTime.run(accountId, prekey.id, prekey.publicKey, prekey.signature);
      }
      return 'added';
    },
  );

  const takeTx = db.transaction((accountId: string, oneTime: boolean): TakenBundle | undefined => {
    const signed = signedOf.get(accountId);
    if (signed === undefined) {
      return undefined;
    }
    const taken = oneTime ? takeLowest.get(accountId, accountId) : undefined;
    const bundle: TakenBundle = {
      signedPrekey: toPrekey(signed.signed_id, signed.signed_public_key, signed.signed_signature),
      kemPrekey: toPrekey(signed.kem_id, signed.kem_public_key, signed.kem_signature),
      oneTimeRemaining: count(accountId),
    };
    return taken === undefined
      ? bundle
      : { ...bundle, oneTimePrekey: toPrekey(taken.id, taken.public_key, taken.signature) };
  });

  return {
    setSignedPrekeys(accountId, { signed, kem, now }) {
      return settle(() => {
        upsertSigned.run(
          accountId,
          signed.id,
          signed.publicKey,
          signed.signature,
          kem.id,
          kem.publicKey,
          kem.signature,
          now,
        );
      });
    },

    addOneTimePrekeys(accountId, prekeys, maxTotal) {
      return settle(() => addTx.immediate(accountId, prekeys, maxTotal));
    },

    takeBundle(accountId, options = { oneTime: true }) {
      return settle(() => takeTx.immediate(accountId, options.oneTime));
    },

    countOneTimePrekeys(accountId) {
      return settle(() => count(accountId));
    },

    findSignedPrekeys(accountId) {
      return settle(() => {
        const row = signedOf.get(accountId);
        return row === undefined
          ? undefined
          : {
              signed: toPrekey(row.signed_id, row.signed_public_key, row.signed_signature),
              kem: toPrekey(row.kem_id, row.kem_public_key, row.kem_signature),
            };
      });
    },
  };
}
