// PrekeyStore on SQLite: signed prekeys per device and two pools of one-time prekeys (X25519 and
// ML-KEM-768) taken one at a time. Writes check in the same transaction that the device exists.
import type Database from 'better-sqlite3';
import type { AddPrekeysResult, PrekeyStore, StoredPrekey, TakenBundle } from '../ports.js';
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
  deviceId: string,
  signedId: number,
  signedPublicKey: Uint8Array,
  signedSignature: Uint8Array,
  kemId: number,
  kemPublicKey: Uint8Array,
  kemSignature: Uint8Array,
  updatedAt: number,
];

function toPrekey(id: number, publicKey: Uint8Array, signature: Uint8Array): StoredPrekey {
  return { id, publicKey: toPlainBytes(publicKey), signature: toPlainBytes(signature) };
}

/** One pool of one-time prekeys (a table of (device_id, id, public_key, signature)). */
function onePool(db: Database.Database, table: 'one_time_prekeys' | 'one_time_kem_prekeys') {
  const countOf = db.prepare<[string], { readonly count: number }>(
    `SELECT count(*) AS count FROM ${table} WHERE device_id = ?`,
  );
  const exists = db.prepare<[string, number], { readonly found: 1 }>(
    `SELECT 1 AS found FROM ${table} WHERE device_id = ? AND id = ?`,
  );
  const insert = db.prepare<[string, number, Uint8Array, Uint8Array]>(
    `INSERT INTO ${table} (device_id, id, public_key, signature) VALUES (?, ?, ?, ?)`,
  );
  // Selecting and deleting the lowest id in one statement is what makes a take single-use.
  const takeLowest = db.prepare<[string, string], OneTimeRow>(
    `DELETE FROM ${table}
     WHERE device_id = ? AND id = (SELECT min(id) FROM ${table} WHERE device_id = ?)
     RETURNING id, public_key, signature`,
  );
  const count = (deviceId: string): number => countOf.get(deviceId)?.count ?? 0;
  return {
    count,
    /** Inside a transaction: all or none. */
    add(deviceId: string, prekeys: readonly StoredPrekey[], maxTotal: number): AddPrekeysResult {
      const seen = new Set<number>();
      for (const prekey of prekeys) {
        if (seen.has(prekey.id) || exists.get(deviceId, prekey.id) !== undefined) {
          return 'duplicate';
        }
        seen.add(prekey.id);
      }
      if (count(deviceId) + prekeys.length > maxTotal) return 'too-many';
      for (const prekey of prekeys) {
        insert.run(deviceId, prekey.id, prekey.publicKey, prekey.signature);
      }
      return 'added';
    },
    take(deviceId: string): StoredPrekey | undefined {
      const taken = takeLowest.get(deviceId, deviceId);
      return taken === undefined
        ? undefined
        : toPrekey(taken.id, taken.public_key, taken.signature);
    },
  };
}

export function createSqlitePrekeyStore(db: Database.Database): PrekeyStore {
  const deviceExists = db.prepare<[string], { readonly found: 1 }>(
    'SELECT 1 AS found FROM devices WHERE id = ?',
  );
  const upsertSigned = db.prepare<UpsertSignedParams>(
    `INSERT INTO signed_prekeys (device_id, signed_id, signed_public_key, signed_signature,
                                 kem_id, kem_public_key, kem_signature, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (device_id) DO UPDATE SET
       signed_id = excluded.signed_id, signed_public_key = excluded.signed_public_key,
       signed_signature = excluded.signed_signature, kem_id = excluded.kem_id,
       kem_public_key = excluded.kem_public_key, kem_signature = excluded.kem_signature,
       updated_at = excluded.updated_at`,
  );
  const signedOf = db.prepare<[string], SignedRow>(
    `SELECT signed_id, signed_public_key, signed_signature, kem_id, kem_public_key, kem_signature
     FROM signed_prekeys WHERE device_id = ?`,
  );
  const oneTime = onePool(db, 'one_time_prekeys');
  const oneTimeKem = onePool(db, 'one_time_kem_prekeys');
  const hasDevice = (deviceId: string): boolean => deviceExists.get(deviceId) !== undefined;

  // IMMEDIATE transactions below: each reads state and writes from it, and the admin CLI or a
  // second server process may share the file; taking the write lock first rules out both
  // lost updates and SQLITE_BUSY on a late lock upgrade.
  const setSignedTx = db.transaction(
    (deviceId: string, signed: StoredPrekey, kem: StoredPrekey, now: number) => {
      if (!hasDevice(deviceId)) return 'no-device' as const;
      upsertSigned.run(
        deviceId,
        signed.id,
        signed.publicKey,
        signed.signature,
        kem.id,
        kem.publicKey,
        kem.signature,
        now,
      );
      return 'stored' as const;
    },
  );
  const addTx = db.transaction(
    (
      pool: ReturnType<typeof onePool>,
      deviceId: string,
      prekeys: readonly StoredPrekey[],
      maxTotal: number,
    ): AddPrekeysResult => {
      if (!hasDevice(deviceId)) return 'no-device';
      return pool.add(deviceId, prekeys, maxTotal);
    },
  );

  const takeTx = db.transaction(
    (deviceId: string, withOneTime: boolean): TakenBundle | undefined => {
      const signed = signedOf.get(deviceId);
      if (signed === undefined) return undefined;
      const oneTimePrekey = withOneTime ? oneTime.take(deviceId) : undefined;
      const oneTimeKemPrekey = withOneTime ? oneTimeKem.take(deviceId) : undefined;
      return {
        signedPrekey: toPrekey(signed.signed_id, signed.signed_public_key, signed.signed_signature),
        kemPrekey: toPrekey(signed.kem_id, signed.kem_public_key, signed.kem_signature),
        ...(oneTimePrekey ? { oneTimePrekey } : {}),
        ...(oneTimeKemPrekey ? { oneTimeKemPrekey } : {}),
        oneTimeRemaining: oneTime.count(deviceId),
        oneTimeKemRemaining: oneTimeKem.count(deviceId),
      };
    },
  );

  return {
    setSignedPrekeys(deviceId, { signed, kem, now }) {
      return settle(() => setSignedTx.immediate(deviceId, signed, kem, now));
    },

    addOneTimePrekeys(deviceId, prekeys, maxTotal) {
      return settle(() => addTx.immediate(oneTime, deviceId, prekeys, maxTotal));
    },

    addOneTimeKemPrekeys(deviceId, prekeys, maxTotal) {
      return settle(() => addTx.immediate(oneTimeKem, deviceId, prekeys, maxTotal));
    },

    takeBundle(deviceId, options = { oneTime: true }) {
      return settle(() => takeTx.immediate(deviceId, options.oneTime));
    },

    countOneTimePrekeys(deviceId) {
      return settle(() => oneTime.count(deviceId));
    },

    countOneTimeKemPrekeys(deviceId) {
      return settle(() => oneTimeKem.count(deviceId));
    },

    findSignedPrekeys(deviceId) {
      return settle(() => {
        const row = signedOf.get(deviceId);
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
