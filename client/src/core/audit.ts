// The audit log verified on a moderator's device: every entry read through `audit.entries`, a
// page at a time, and checked with shared's AuditChainVerifier against the root key the build
// pins — numbering, hashes, certificates, revocation statements, every statement's signature —
// exactly as `npm run admin -- audit-verify` checks the chain on the host; then the head the
// server names must be the head this device computed, and a checkpoint the moderator recorded
// earlier must still be an entry of the chain. A server (or someone with its disk) that edits,
// drops or rewrites history is caught here without trusting the server's word for anything.
import {
  AuditChainVerifier,
  equalBytes,
  type AuditChainSummary,
  type TrustConfiguration,
} from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import { KolokolError } from './errors.js';
import { CLIENT_LIMITS } from './limits.js';

export interface AuditVerifyOptions {
  /** A head (32 bytes) recorded earlier, e.g. from `moderation.auditHead()`: it must still be in the chain. */
  readonly checkpoint?: Uint8Array;
}

export type AuditVerification =
  /** The whole chain verified and ends at the server's head; `checkpointAt` when one was given. */
  | { readonly ok: true; readonly summary: AuditChainSummary; readonly checkpointAt?: number }
  /** Entry `seq` is broken (changed, removed, reordered, forged): `reason` says how. */
  | {
      readonly ok: false;
      readonly problem: 'broken';
      readonly seq: number;
      readonly reason: string;
    }
  /** The chain verifies but is not the head the server names (entries withheld or added). */
  | {
      readonly ok: false;
      readonly problem: 'head-mismatch';
      readonly summary: AuditChainSummary;
      readonly serverLength: number;
    }
  /** The chain verifies, but the checkpoint is not one of its entries: rewritten or cut short since. */
  | {
      readonly ok: false;
      readonly problem: 'checkpoint-missing';
      readonly summary: AuditChainSummary;
    };

export const AUDIT_CHECKPOINT_BYTES = 32;

/**
 * Reads the whole log and verifies it here. BAD_REQUEST without a pinned trust configuration or
 * for a checkpoint that is not 32 bytes; FORBIDDEN for anyone but staff; the connection's errors
 * as they come (nothing is verified from a log read only in part).
 */
export async function verifyAuditLog(
  connection: Connection,
  trust: TrustConfiguration | undefined,
  options: AuditVerifyOptions = {},
): Promise<AuditVerification> {
  if (trust === undefined) {
    throw new KolokolError('BAD_REQUEST', 'verifying the audit log needs the pinned root key');
  }
  const { checkpoint } = options;
  if (checkpoint !== undefined && checkpoint.length !== AUDIT_CHECKPOINT_BYTES) {
    throw new KolokolError('BAD_REQUEST', 'checkpoint: expected a 32-byte head hash');
  }
  const verifier = new AuditChainVerifier(trust.rootPublicKey);
  let after = 0;
  let server: { length: number; head: Uint8Array };
  for (;;) {
    const page = await connection.call('audit.entries', {
      after,
      limit: CLIENT_LIMITS.auditPage,
    });
    server = page;
    for (const entry of page.entries) {
      const broken = verifier.add(entry);
      if (broken) return { ok: false, problem: 'broken', ...broken };
      after = entry.seq;
    }
    // Every page ends at or before the head it names; an empty page ends the reading, so a
    // server that keeps naming entries it does not serve cannot keep this loop going.
    if (page.entries.length === 0 || after >= page.length) break;
  }
  const summary = verifier.summary();
  if (summary.length !== server.length || !equalBytes(summary.head, server.head)) {
    return { ok: false, problem: 'head-mismatch', summary, serverLength: server.length };
  }
  if (checkpoint === undefined) return { ok: true, summary };
  const checkpointAt = verifier.positionOf(checkpoint);
  if (checkpointAt === undefined) return { ok: false, problem: 'checkpoint-missing', summary };
  return { ok: true, summary, checkpointAt };
}
