// For `audit-verify`: checks the proposals the store holds against the approve statements of a
// verified log, so a match written into the database without moderators' signed approvals — a
// contact's details handed to someone with the disk's help — is caught, not only a changed log.
// Every proposal that was offered to its volunteer must name its approvals; each must be a logged
// approve statement by that moderator for that proposal, by different moderators; and while the
// request still holds its details they must be the envelope the last approval signed.
import { createHash } from 'node:crypto';
import { toBase64Url, type ProposalState } from '@kolokol/shared';
import { decodeAuditStatementUnverified } from '@kolokol/shared/crypto';
import type { AuditEntryRecord, Store } from '../../store/ports.js';

/** States a proposal reaches only through its approval (withdrawn may come from pending too). */
const APPROVED_STATES: readonly ProposalState[] = [
  'approved',
  'accepted',
  'ended',
  'declined',
  'timed_out',
];

interface LoggedApproval {
  readonly actor: string;
  readonly proposal: string;
  readonly envelopeDigest: string | undefined;
}

export class ApprovalReplay {
  readonly #approvals = new Map<number, LoggedApproval>();

  /** Notes an approve statement of a chain that verified up to it. */
  add(entry: AuditEntryRecord): void {
    if (entry.type !== 'statement') return;
    const statement = decodeAuditStatementUnverified(entry.payload);
    if (statement.kind !== 'approve' || statement.proposal === undefined) return;
    this.#approvals.set(entry.seq, {
      actor: statement.actor,
      proposal: statement.proposal,
      envelopeDigest:
        statement.envelopeDigest === undefined ? undefined : toBase64Url(statement.envelopeDigest),
    });
  }

  /** The first proposal whose approvals (or shared details) the log does not account for. */
  async mismatch(store: Store): Promise<string | undefined> {
    for (const proposal of await store.proposals.everyApproved()) {
      const approvedState = APPROVED_STATES.includes(proposal.state);
      if (approvedState && proposal.approvals.length === 0) {
        return `proposal ${proposal.id} is ${proposal.state} in the store, but no approval is recorded`;
      }
      const approvers = new Set<string>();
      let last: LoggedApproval | undefined;
      for (const approval of proposal.approvals) {
        const logged = this.#approvals.get(approval.seq);
        if (
          logged === undefined ||
          logged.proposal !== proposal.id ||
          logged.actor !== approval.moderatorId ||
          approvers.has(approval.moderatorId)
        ) {
          return `proposal ${proposal.id} names an approval (entry ${approval.seq}) the log's signed decisions do not make`;
        }
        approvers.add(approval.moderatorId);
        last = logged;
      }
      if (proposal.state !== 'approved' && proposal.state !== 'accepted') continue;
      const details = await store.requests.findRequestDetails(proposal.requestId);
      const digest =
        details === undefined
          ? undefined
          : toBase64Url(new Uint8Array(createHash('sha256').update(details).digest()));
      if (digest !== last?.envelopeDigest) {
        return `the details of request ${proposal.requestId} are not the envelope its approval signed`;
      }
    }
    return undefined;
  }
}
