// Moderators' decisions on the engine's proposals — approve, reject, re-propose — each a signed
// audit statement checked by Decisions and appended to the audit log in one durable write with
// its effect: the proposal's change, its request's (through RequestLifecycle.plan) and any bar.
// A proposal for a critical skill needs two approvals by two different moderators.
import { createHash } from 'node:crypto';
import type { ProposalWire, SkillCode } from '@kolokol/shared';
import { MAX_PROPOSAL_NOTE_BYTES, MAX_REQUEST_DETAILS_BYTES } from '@kolokol/shared';
import { equalBytes } from '@kolokol/shared/crypto';
import { AppError } from '../../errors.js';
import type {
  AuditEntryRecord,
  ProposalChange,
  ProposalDecisionRecord,
  ProposalRecord,
  RequestRecord,
  Store,
} from '../../store/ports.js';
import type { Caller, Decision, Decisions } from '../audit/decisions.js';
import type { Clock } from '../clock.js';
import type { Notifier } from '../notifier.js';
import type { RequestLifecycle } from '../request-lifecycle.js';
import { checkSealedEnvelope } from '../sealed-shape.js';
import { newId } from '../secrets.js';
import { PairHistoryIndex, refusals, requiredRiskTier, scorePair } from '../matching/index.js';
import { loadsOf, pairHistory, toMatchOffer, toMatchRequest } from './match-views.js';
import { approvalsNeeded, toProposalWire } from './proposal-wire.js';
import type { Proposer } from './proposer.js';
import { checkRewrapped } from './rewrapped-details.js';

export interface ProposalDecision {
  readonly proposal: ProposalWire;
  readonly entry: AuditEntryRecord;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/**
 * The sealed note that goes with a rejection or re-proposal: present exactly when the statement
 * signs its noteDigest, which must be its SHA-256, and shaped as a sealed envelope of at most
 * MAX_PROPOSAL_NOTE_BYTES. Anything else is BAD_REQUEST, before anything is written.
 */
function checkedNote(decision: Decision, note: Uint8Array | undefined): Uint8Array | null {
  const digest = decision.statement.noteDigest;
  if (note === undefined) {
    if (digest !== undefined) {
      throw new AppError('BAD_REQUEST', 'note: the statement signs a noteDigest but no note came');
    }
    return null;
  }
  if (digest === undefined) {
    throw new AppError(
      'BAD_REQUEST',
      'statement: a note needs the statement to sign its noteDigest',
    );
  }
  if (!equalBytes(digest, sha256(note))) {
    throw new AppError('BAD_REQUEST', 'statement: noteDigest is not SHA-256 of note');
  }
  checkSealedEnvelope(note, MAX_PROPOSAL_NOTE_BYTES, 'note');
  return note;
}

/** What a rejection or re-proposal keeps with the proposal it decided. */
function decisionRecord(
  decision: Decision,
  seq: number,
  note: Uint8Array | null,
): ProposalDecisionRecord {
  return {
    moderatorId: decision.actor.accountId,
    seq,
    reason: decision.statement.reason ?? null,
    note,
  };
}

export class ProposalDecisions {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly decisions: Decisions;
      readonly lifecycle: RequestLifecycle;
      readonly notifier: Notifier;
      readonly proposer: Proposer;
      readonly criticalSkills: ReadonlySet<SkillCode>;
      /** How long an approved match waits for the volunteer. */
      readonly acceptTimeoutMs: number;
    },
  ) {}

  /**
   * `moderation.approve`: a signed approve statement naming the proposal, its request and its
   * volunteer, and the details re-wrapped for the volunteer (their SHA-256 the statement's
   * envelopeDigest). The first of two needed approvals is logged and the proposal stays pending;
   * the last moves it to approved and the request to approved with the re-wrapped details, and
   * offers it to the volunteer until the timeout. The same moderator twice is CONFLICT.
   */
  async approve(caller: Caller, bytes: Uint8Array, details: Uint8Array): Promise<ProposalDecision> {
    const decision = await this.deps.decisions.verify(caller, bytes, 'approve');
    const { statement } = decision;
    const digest = statement.envelopeDigest;
    if (digest === undefined) {
      throw new AppError('BAD_REQUEST', 'statement: an approval names the details’ envelopeDigest');
    }
    if (!equalBytes(digest, sha256(details))) {
      throw new AppError('BAD_REQUEST', 'statement: envelopeDigest is not SHA-256 of details');
    }
    checkSealedEnvelope(details, MAX_REQUEST_DETAILS_BYTES, 'details');
    const { proposal, request } = await this.#pending(statement);
    const stored = await this.deps.store.requests.findRequestDetails(request.id);
    if (stored === undefined) throw new AppError('CONFLICT', 'the request has ended');
    checkRewrapped(stored, details);
    const needed = approvalsNeeded(request.skills, this.deps.criticalSkills);
    await this.#notApprovedBy(proposal, caller.accountId);
    await this.#stillVetted(proposal.volunteerId, request);

    const { entry } = await this.deps.decisions.record(decision, async (seq, at) => {
      const current = await this.#reread(proposal.id);
      await this.#notApprovedBy(current, caller.accountId);
      // Vetting and suspension change only through the log, so this holds at the entry's head.
      await this.#stillVetted(current.volunteerId, request);
      const approvals = [...current.approvals, { moderatorId: caller.accountId, seq }];
      if (approvals.length < needed) {
        return {
          kind: 'proposal',
          change: { update: { id: current.id, from: ['pending'], to: 'pending', at, approvals } },
        };
      }
      return {
        kind: 'proposal',
        change: {
          update: {
            id: current.id,
            from: ['pending'],
            to: 'approved',
            at,
            approvals,
            decidedAt: at,
            offeredUntil: at + this.deps.acceptTimeoutMs,
          },
          request: this.deps.lifecycle.plan(request.id, 'proposed', 'approved', { details }),
        },
      };
    });
    const after = await this.#reread(proposal.id);
    if (after.state === 'approved') {
      await this.#announceRequest(request.id);
      this.deps.notifier.matchChanged(after.volunteerId, {
        id: after.id,
        requestId: after.requestId,
        state: 'approved',
        updatedAt: after.updatedAt,
      });
    }
    await this.#queueChanged();
    return { proposal: toProposalWire(after, needed), entry };
  }

  /**
   * `moderation.reject`: the proposal is rejected, the pair barred, the request matched again. The
   * moderator, the reason and the sealed note (if any) are kept with the proposal.
   */
  async reject(
    caller: Caller,
    bytes: Uint8Array,
    sealedNote?: Uint8Array,
  ): Promise<ProposalDecision> {
    const decision = await this.deps.decisions.verify(caller, bytes, 'reject');
    const note = checkedNote(decision, sealedNote);
    const { proposal, request } = await this.#pending(decision.statement);
    const { entry } = await this.deps.decisions.record(decision, async (seq, at) => {
      const current = await this.#reread(proposal.id);
      if (current.state !== 'pending') throw this.#notPending(current);
      const change: ProposalChange = {
        update: {
          id: current.id,
          from: ['pending'],
          to: 'rejected',
          at,
          decidedAt: at,
          decision: decisionRecord(decision, seq, note),
        },
        request: this.deps.lifecycle.plan(request.id, 'proposed', 'open'),
        bar: {
          contactId: current.contactId,
          volunteerId: current.volunteerId,
          reason: 'rejected',
          at,
        },
      };
      return { kind: 'proposal', change };
    });
    await this.#announceRequest(request.id);
    await this.#queueChanged();
    void this.deps.proposer.request();
    const after = await this.#reread(proposal.id);
    return {
      proposal: toProposalWire(after, approvalsNeeded(request.skills, this.deps.criticalSkills)),
      entry,
    };
  }

  /**
   * `moderation.repropose`: the pending proposal is replaced by one to the statement's subject,
   * in one step (the request stays proposed). The new volunteer must pass every hard constraint
   * of the engine: otherwise CONFLICT naming the refusals, and nothing changes. The moderator, the
   * reason and the sealed note (if any) are kept with the replaced proposal.
   */
  async repropose(
    caller: Caller,
    bytes: Uint8Array,
    sealedNote?: Uint8Array,
  ): Promise<{ replaced: ProposalWire; proposal: ProposalWire; entry: AuditEntryRecord }> {
    const decision = await this.deps.decisions.verify(caller, bytes, 'repropose');
    const note = checkedNote(decision, sealedNote);
    const { statement } = decision;
    const { proposal, request } = await this.#pending(statement, { subjectIsVolunteer: false });
    const volunteerId = statement.subject;
    if (volunteerId === undefined) throw new Error('repropose: rule not enforced');
    const volunteer = await this.deps.store.accounts.findById(volunteerId);
    if (volunteer?.role !== 'volunteer') throw new AppError('NOT_FOUND', 'no such volunteer');
    const id = newId();
    const { entry } = await this.deps.decisions.record(decision, async (seq, at) => {
      const current = await this.#reread(proposal.id);
      if (current.state !== 'pending') throw this.#notPending(current);
      const offer = await this.deps.store.offers.findOffer(volunteerId);
      if (offer === undefined) {
        throw new AppError('CONFLICT', 'the volunteer has no offer to propose');
      }
      const matchRequest = toMatchRequest(request);
      const matchOffer = toMatchOffer(
        offer,
        await this.deps.store.vetting.tierOf(volunteerId),
        (await loadsOf(this.deps.store)).get(volunteerId) ?? 0,
      );
      const refused = refusals(
        matchRequest,
        matchOffer,
        new PairHistoryIndex(await pairHistory(this.deps.store)),
      );
      if (refused.length > 0) {
        throw new AppError('CONFLICT', `the volunteer cannot be proposed: ${refused.join(', ')}`);
      }
      const { score, reasons } = scorePair(matchRequest, matchOffer, at);
      return {
        kind: 'proposal',
        change: {
          update: {
            id: current.id,
            from: ['pending'],
            to: 'replaced',
            at,
            decidedAt: at,
            decision: decisionRecord(decision, seq, note),
          },
          insert: {
            id,
            requestId: request.id,
            volunteerId,
            contactId: request.ownerId,
            score,
            reasons,
            alternatives: current.alternatives.filter((a) => a.volunteerId !== volunteerId),
            createdAt: at,
          },
        },
      };
    });
    await this.#queueChanged();
    const needed = approvalsNeeded(request.skills, this.deps.criticalSkills);
    return {
      replaced: toProposalWire(await this.#reread(proposal.id), needed),
      proposal: toProposalWire(await this.#reread(id), needed),
      entry,
    };
  }

  /**
   * The pending proposal a statement names, and its request: NOT_FOUND for no such proposal;
   * BAD_REQUEST when the statement's request (or, for approve and reject, its subject) is not the
   * proposal's; CONFLICT once the proposal was decided.
   */
  async #pending(
    statement: { readonly proposal?: string; readonly request?: string; readonly subject?: string },
    options: { readonly subjectIsVolunteer: boolean } = { subjectIsVolunteer: true },
  ): Promise<{ proposal: ProposalRecord; request: RequestRecord }> {
    if (statement.proposal === undefined) throw new Error('proposal decision: rule not enforced');
    const proposal = await this.deps.store.proposals.findProposal(statement.proposal);
    if (proposal === undefined) throw new AppError('NOT_FOUND', 'no such proposal');
    if (statement.request !== proposal.requestId) {
      throw new AppError('BAD_REQUEST', 'statement: names another request than the proposal’s');
    }
    if (options.subjectIsVolunteer && statement.subject !== proposal.volunteerId) {
      throw new AppError('BAD_REQUEST', 'statement: names another volunteer than the proposal’s');
    }
    if (proposal.state !== 'pending') throw this.#notPending(proposal);
    const request = await this.deps.store.requests.findRequest(proposal.requestId);
    if (request?.state !== 'proposed') throw new AppError('CONFLICT', 'the request moved on');
    return { proposal, request };
  }

  /** CONFLICT when this moderator (or another account with the same identity) approved it already. */
  async #notApprovedBy(proposal: ProposalRecord, moderatorId: string): Promise<void> {
    if (proposal.state !== 'pending') throw this.#notPending(proposal);
    const actor = await this.deps.store.accounts.findById(moderatorId);
    for (const approval of proposal.approvals) {
      const earlier = await this.deps.store.accounts.findById(approval.moderatorId);
      const sameIdentity =
        actor !== undefined &&
        earlier !== undefined &&
        equalBytes(actor.signingKey, earlier.signingKey);
      if (approval.moderatorId === moderatorId || sameIdentity) {
        throw new AppError(
          'CONFLICT',
          'you approved this proposal already: a second approval must come from another moderator',
        );
      }
    }
  }

  /**
   * CONFLICT unless the volunteer is still vetted at the request's risk tier and not suspended
   * (matching withdraws such a proposal on its next run): details are never shared with them.
   */
  async #stillVetted(volunteerId: string, request: RequestRecord): Promise<void> {
    const tier = await this.deps.store.vetting.tierOf(volunteerId);
    const required = requiredRiskTier(request.skills);
    if (tier === 'none' || (required === 'high' && tier !== 'high')) {
      throw new AppError(
        'CONFLICT',
        'the volunteer is no longer vetted for this request (suspended or unvetted)',
      );
    }
  }

  #notPending(proposal: ProposalRecord): AppError {
    return new AppError('CONFLICT', `the proposal is ${proposal.state}, no longer pending`);
  }

  async #reread(id: string): Promise<ProposalRecord> {
    const proposal = await this.deps.store.proposals.findProposal(id);
    if (proposal === undefined) throw new AppError('NOT_FOUND', 'no such proposal');
    return proposal;
  }

  async #announceRequest(id: string): Promise<void> {
    const request = await this.deps.store.requests.findRequest(id);
    if (request) this.deps.lifecycle.announce(request);
  }

  async #queueChanged(): Promise<void> {
    const { total } = await this.deps.store.proposals.pendingProposals(0);
    this.deps.notifier.queueChanged({ pending: total });
  }
}
