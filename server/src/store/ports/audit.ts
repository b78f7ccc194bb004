// The audit port: the append-only, hash-chained log of moderator and admin decisions (and of the
// offline-signed certificates and revocation statements), and the audited writes — a decision's
// effect applied in the same atomic, durable transaction as the entry that records it, so the log
// and the state it authorises never disagree.
import type { AuditEntry } from '@kolokol/shared/crypto';
import type { ModeratorCertificateRecord, RevocationListRecord } from './certificates.js';
import type { ProposalChange } from './proposals.js';
import type { VettingChange } from './vetting.js';

/** One log entry as stored: numbered, chained, hashed (shared/src/crypto/trust/audit-chain.ts). */
export type AuditEntryRecord = AuditEntry;

export interface AuditHead {
  /** The number of entries (the last one's seq); 0 for an empty log. */
  readonly length: number;
  /** The last entry's hash; the genesis hash (32 zero bytes) for an empty log. */
  readonly hash: Uint8Array;
}

/** What an entry authorises; applied with it, or neither is written. */
export type AuditEffect =
  | { readonly kind: 'vetting'; readonly change: VettingChange }
  /**
   * Suspend the account and revoke its live sessions (AccountStore.suspend); with `reportId`,
   * that open report about the account becomes 'actioned' in the same write.
   */
  | {
      readonly kind: 'suspend';
      readonly accountId: string;
      readonly at: number;
      readonly reportId?: string;
    }
  /** Close an open report without action ('dismissed'). */
  | { readonly kind: 'dismiss-report'; readonly reportId: string; readonly at: number }
  /** Lift the account's suspension. */
  | { readonly kind: 'reinstate'; readonly accountId: string }
  /** Store a moderator certificate (CertificateStore.putModeratorCertificate). */
  | { readonly kind: 'certificate'; readonly certificate: ModeratorCertificateRecord }
  /** Store a revocation statement if newer (CertificateStore.putRevocationList). */
  | { readonly kind: 'revocation-list'; readonly list: RevocationListRecord }
  /** A moderator's decision on a proposal: the proposal, its request, a bar (ProposalStore). */
  | { readonly kind: 'proposal'; readonly change: ProposalChange };

export type AppendOutcome =
  /** Written; `revokedSessionIds` are the sessions a suspension ended (else empty). */
  | { readonly kind: 'appended'; readonly revokedSessionIds: readonly string[] }
  /** The log moved on since the head the entry was chained to: nothing written, try again. */
  | { readonly kind: 'head-moved' }
  /** An entry with the same payload is in the log already (a replay): nothing written. */
  | { readonly kind: 'duplicate' }
  /**
   * The effect did not apply, so nothing was written: the certificate is stored already, or its
   * serial names another; the revocation list is not newer; the account does not exist; the
   * proposal or its request moved on since the effect was planned ('state-moved'), or a named
   * report is not an open one ('report-not-open').
   */
  | {
      readonly kind: 'not-applied';
      readonly reason:
        | 'already-stored'
        | 'serial-taken'
        | 'stale'
        | 'no-such-account'
        | 'state-moved'
        | 'report-not-open';
    };

export interface AuditStore {
  head(): Promise<AuditHead>;
  /**
   * Appends `entry` and applies `effect` in one atomic write that survives a power cut — only if
   * the log's head is still `entry.prevHash` at length `entry.seq − 1` ('head-moved' otherwise),
   * no entry holds the same payload ('duplicate': payloads are unique by SHA-256) and the effect
   * applies ('not-applied'). The caller computed `entry.hash`; the store keeps it as given.
   */
  append(entry: AuditEntryRecord, effect: AuditEffect): Promise<AppendOutcome>;
  /** Whether an entry's payload has this SHA-256 digest. */
  hasPayloadDigest(digest: Uint8Array): Promise<boolean>;
  /** The seq of the entry whose hash this is; undefined when none. */
  seqOfHash(hash: Uint8Array): Promise<number | undefined>;
  /** Up to `limit` entries with seq > `afterSeq`, in ascending seq, as stored (not verified). */
  entries(afterSeq: number, limit: number): Promise<AuditEntryRecord[]>;
}
