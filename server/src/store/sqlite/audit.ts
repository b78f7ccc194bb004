// AuditStore on SQLite: the append-only audit_log table, and the audited writes — one IMMEDIATE
// transaction checks the head the entry was chained to, refuses a payload already logged, applies
// the decision's effect with the same statements the other adapters use, and appends the entry.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AUDIT_ENTRY_TYPES, auditGenesisHash } from '@kolokol/shared/crypto';
import type {
  AppendOutcome,
  AuditEffect,
  AuditEntryRecord,
  AuditHead,
  AuditStore,
} from '../ports.js';
import { prepareSuspensionWrites } from './accounts.js';
import { prepareCertificateWrites } from './certificates.js';
import { settle, toPlainBytes } from './codec.js';
import { ProposalConflict, prepareProposalWrites } from './proposals.js';
import { prepareReportWrites } from './reports.js';
import { prepareVettingWrites } from './vetting.js';

interface EntryRow {
  readonly seq: number;
  readonly entry_type: number;
  readonly recorded_at: number;
  readonly payload: Uint8Array;
  readonly certificate: Uint8Array | null;
  readonly prev_hash: Uint8Array;
  readonly hash: Uint8Array;
}

type InsertParams = [
  seq: number,
  entryType: number,
  recordedAt: number,
  payload: Uint8Array,
  certificate: Uint8Array | null,
  payloadDigest: Uint8Array,
  prevHash: Uint8Array,
  hash: Uint8Array,
];

const COLUMNS = 'seq, entry_type, recorded_at, payload, certificate, prev_hash, hash';

function toEntry(row: EntryRow): AuditEntryRecord {
  const type = AUDIT_ENTRY_TYPES[row.entry_type - 1];
  // The CHECK constraint makes anything else a corrupted file.
  if (type === undefined) throw new Error('store: unknown audit entry type');
  return {
    seq: row.seq,
    type,
    recordedAt: row.recorded_at,
    payload: toPlainBytes(row.payload),
    certificate: row.certificate === null ? null : toPlainBytes(row.certificate),
    prevHash: toPlainBytes(row.prev_hash),
    hash: toPlainBytes(row.hash),
  };
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** Thrown inside the transaction to roll back an effect that did not apply. */
class NotApplied extends Error {
  constructor(readonly outcome: Extract<AppendOutcome, { kind: 'not-applied' }>) {
    super('not applied');
  }
}

export function createSqliteAuditStore(db: Database.Database): AuditStore {
  const last = db.prepare<[], { readonly seq: number; readonly hash: Uint8Array }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const byDigest = db.prepare<[Uint8Array], { readonly found: 1 }>(
    'SELECT 1 AS found FROM audit_log WHERE payload_digest = ?',
  );
  const byHash = db.prepare<[Uint8Array], { readonly seq: number }>(
    'SELECT seq FROM audit_log WHERE hash = ?',
  );
  const insert = db.prepare<InsertParams>(
    `INSERT INTO audit_log
       (seq, entry_type, recorded_at, payload, certificate, payload_digest, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const page = db.prepare<[number, number], EntryRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`,
  );
  const { updateSuspended, suspendTx } = prepareSuspensionWrites(db);
  const { putCertificateTx, putRevocationList } = prepareCertificateWrites(db);
  const applyVetting = prepareVettingWrites(db);
  const applyProposal = prepareProposalWrites(db);
  const { closeReport } = prepareReportWrites(db);

  const head = (): AuditHead => {
    const row = last.get();
    return row === undefined
      ? { length: 0, hash: auditGenesisHash() }
      : { length: row.seq, hash: toPlainBytes(row.hash) };
  };

  /** Applies the effect; the sessions a suspension revoked. Throws NotApplied to roll back. */
  const apply = (effect: AuditEffect): string[] => {
    const refuse = (reason: Extract<AppendOutcome, { kind: 'not-applied' }>['reason']) => {
      throw new NotApplied({ kind: 'not-applied', reason });
    };
    switch (effect.kind) {
      case 'vetting':
        applyVetting(effect.change);
        return [];
      case 'suspend': {
        // The report first: a suspension that names one happens only with it.
        if (
          effect.reportId !== undefined &&
          !closeReport(effect.reportId, 'actioned', effect.at, effect.accountId)
        ) {
          refuse('report-not-open');
        }
        const revoked = suspendTx(effect.accountId, effect.at);
        return revoked ?? refuse('no-such-account');
      }
      case 'reinstate':
        if (updateSuspended.run(null, effect.accountId).changes === 0) refuse('no-such-account');
        return [];
      case 'certificate': {
        const outcome = putCertificateTx(effect.certificate);
        if (outcome !== 'stored') refuse(outcome);
        return [];
      }
      case 'revocation-list':
        if (putRevocationList(effect.list) !== 'stored') refuse('stale');
        return [];
      case 'proposal':
        try {
          applyProposal(effect.change);
        } catch (error) {
          if (error instanceof ProposalConflict) refuse('state-moved');
          throw error;
        }
        return [];
      case 'dismiss-report':
        if (!closeReport(effect.reportId, 'dismissed', effect.at)) refuse('report-not-open');
        return [];
    }
  };

  const appendTx = db.transaction((entry: AuditEntryRecord, effect: AuditEffect): AppendOutcome => {
    const current = head();
    if (current.length !== entry.seq - 1 || Buffer.compare(current.hash, entry.prevHash) !== 0) {
      return { kind: 'head-moved' };
    }
    const digest = sha256(entry.payload);
    if (byDigest.get(digest) !== undefined) return { kind: 'duplicate' };
    const revokedSessionIds = apply(effect);
    insert.run(
      entry.seq,
      AUDIT_ENTRY_TYPES.indexOf(entry.type) + 1,
      entry.recordedAt,
      entry.payload,
      entry.certificate,
      digest,
      entry.prevHash,
      entry.hash,
    );
    return { kind: 'appended', revokedSessionIds };
  });

  return {
    head() {
      return settle(head);
    },

    append(entry, effect) {
      return settle(() => {
        try {
          return appendTx.immediate(entry, effect);
        } catch (error) {
          if (error instanceof NotApplied) return error.outcome;
          throw error;
        }
      });
    },

    hasPayloadDigest(digest) {
      return settle(() => byDigest.get(digest) !== undefined);
    },

    seqOfHash(hash) {
      return settle(() => byHash.get(hash)?.seq);
    },

    entries(afterSeq, limit) {
      return settle(() => page.all(afterSeq, limit).map(toEntry));
    },
  };
}
