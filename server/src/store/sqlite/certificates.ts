// CertificateStore on SQLite: root-signed moderator certificates and the newest revocation list, stored opaque.
import type Database from 'better-sqlite3';
import type {
  CertificateStore,
  ModeratorCertificateRecord,
  RevocationListRecord,
} from '../ports.js';
import { toPlainBytes, settle } from './codec.js';

interface CertificateRow {
  readonly account_id: string;
  readonly serial: string;
  readonly bytes: Uint8Array;
  readonly expires_at: number;
  readonly created_at: number;
}

interface RevocationRow {
  readonly issued_at: number;
  readonly bytes: Uint8Array;
}

type InsertCertificateParams = [
  accountId: string,
  serial: string,
  bytes: Uint8Array,
  expiresAt: number,
  createdAt: number,
];

function toCertificate(row: CertificateRow): ModeratorCertificateRecord {
  return {
    accountId: row.account_id,
    serial: row.serial,
    bytes: toPlainBytes(row.bytes),
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

/**
 * The certificate writes as synchronous functions, shared by this store and the audited writes
 * (sqlite/audit.ts), which run them inside the transaction that appends the audit entry.
 */
export function prepareCertificateWrites(db: Database.Database) {
  const bySerial = db.prepare<
    [string],
    { readonly account_id: string; readonly bytes: Uint8Array }
  >('SELECT account_id, bytes FROM moderator_certificates WHERE serial = ?');
  const insert = db.prepare<InsertCertificateParams>(
    `INSERT INTO moderator_certificates (account_id, serial, bytes, expires_at, created_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  // The WHERE on the upsert makes "only if newer" part of the single write: no read-then-write
  // gap in which an older list could overwrite a newer one.
  const putIfNewer = db.prepare<[number, Uint8Array]>(
    `INSERT INTO revocation_list (slot, issued_at, bytes) VALUES (1, ?, ?)
     ON CONFLICT (slot) DO UPDATE SET issued_at = excluded.issued_at, bytes = excluded.bytes
     WHERE excluded.issued_at > revocation_list.issued_at`,
  );
  // IMMEDIATE when run alone: the serial lookup must still hold when the row is written (the
  // unique index on serial would refuse a second row anyway; this turns the race into an answer).
  const putCertificateTx = db.transaction(
    (certificate: ModeratorCertificateRecord): 'stored' | 'already-stored' | 'serial-taken' => {
      const stored = bySerial.get(certificate.serial);
      if (stored !== undefined) {
        return stored.account_id === certificate.accountId &&
          Buffer.compare(stored.bytes, certificate.bytes) === 0
          ? 'already-stored'
          : 'serial-taken';
      }
      insert.run(
        certificate.accountId,
        certificate.serial,
        certificate.bytes,
        certificate.expiresAt,
        certificate.createdAt,
      );
      return 'stored';
    },
  );
  return {
    putCertificateTx,
    putRevocationList: (list: RevocationListRecord): 'stored' | 'stale' =>
      putIfNewer.run(list.issuedAt, list.bytes).changes > 0 ? 'stored' : 'stale',
  };
}

export function createSqliteCertificateStore(db: Database.Database): CertificateStore {
  const { putCertificateTx, putRevocationList } = prepareCertificateWrites(db);
  const latestOf = db.prepare<[string], CertificateRow>(
    `SELECT account_id, serial, bytes, expires_at, created_at FROM moderator_certificates
     WHERE account_id = ? ORDER BY seq DESC LIMIT 1`,
  );
  // One certificate per account, the one served: a superseded certificate is history, and
  // handing it out would let clients wrap keys to a moderator key that was rotated away.
  const latestOfEach = db.prepare<[], CertificateRow>(
    `SELECT account_id, serial, bytes, expires_at, created_at FROM moderator_certificates
     WHERE seq IN (SELECT max(seq) FROM moderator_certificates GROUP BY account_id)
     ORDER BY account_id`,
  );
  const latestList = db.prepare<[], RevocationRow>(
    'SELECT issued_at, bytes FROM revocation_list WHERE slot = 1',
  );

  return {
    putModeratorCertificate(certificate) {
      return settle(() => putCertificateTx.immediate(certificate));
    },

    findModeratorCertificate(accountId) {
      return settle(() => {
        const row = latestOf.get(accountId);
        return row === undefined ? undefined : toCertificate(row);
      });
    },

    listModeratorCertificates() {
      return settle(() => latestOfEach.all().map(toCertificate));
    },

    putRevocationList(list) {
      return settle(() => putRevocationList(list));
    },

    latestRevocationList() {
      return settle(() => {
        const row = latestList.get();
        return row === undefined
          ? undefined
          : { issuedAt: row.issued_at, bytes: toPlainBytes(row.bytes) };
      });
    },
  };
}
