// ProposalStore on MongoDB: proposals and pair bars. A ProposalChange — the proposal's
// compare-and-swap, a new proposal, the request's compare-and-swap (perhaps with re-wrapped
// details), a bar, and the closing of the pair's conversation once no live match is left — is
// applied by applyProposalChangeIn inside one transaction: on its own here, or inside the audit
// append with the moderator's decision that authorises it.
import { Schema } from 'mongoose';
import type { ClientSession, FilterQuery } from 'mongoose';
import { AUDIT_REASONS } from '@kolokol/shared/crypto';
import { PAIR_BAR_REASONS, PROPOSAL_STATES, proposalStateSchema } from '@kolokol/shared';
import type { ProposalState } from '@kolokol/shared';
import { z } from 'zod';
import type {
  ConversationRecord,
  DecidedProposal,
  PairBar,
  ProposalChange,
  ProposalChangeOutcome,
  ProposalRecord,
  ProposalStore,
  RequestRecord,
} from '../ports.js';
import { isDuplicateKey, parseStored, toBuffer, toBufferOrNull, toBytesOrNull } from './codec.js';
import type { MongoContext, MongoModels } from './context.js';
import { closeConversationsIn } from './conversations.js';
import type { ConversationDoc } from './conversations.js';
import { op, schemaOptions } from './mongoose.js';
import { REQUEST_FIELDS, toRequest } from './requests.js';
import type { RequestDoc } from './requests.js';
import { inTransaction } from './transactions.js';

/**
 * Conversations one match-ending write closes at most: the pair's own, and any other of the two
 * accounts left without a live match (housekeeping's sweep closes whatever is left over).
 */
const CLOSED_PER_PROPOSAL_WRITE = 16;

/** Documents read per batch while a sweep looks for its `limit` matches (orphans, unmatchable). */
const SWEEP_BATCH = 256;

export interface ProposalDoc {
  readonly _id: string;
  readonly requestId: string;
  readonly volunteerId: string;
  readonly contactId: string;
  readonly score: number;
  /** The engine's reasons as JSON text: server-made, stored opaque, parsed on read. */
  readonly reasons: string;
  readonly alternatives: string;
  readonly state: string;
  readonly approvals: { readonly moderatorId: string; readonly seq: number }[];
  readonly createdAt: number;
  readonly decidedAt: number | null;
  readonly offeredUntil: number | null;
  readonly updatedAt: number;
  readonly decidedBy: string | null;
  readonly decisionSeq: number | null;
  readonly decisionReason: string | null;
  readonly note: Buffer | null;
}

export interface PairBarDoc {
  readonly contactId: string;
  readonly volunteerId: string;
  readonly reason: string;
  readonly at: number;
}

export const proposalSchema = new Schema<ProposalDoc>(
  {
    _id: { type: String, required: true },
    requestId: { type: String, required: true },
    volunteerId: { type: String, required: true },
    contactId: { type: String, required: true },
    score: { type: Number, required: true },
    reasons: { type: String, required: true },
    alternatives: { type: String, required: true },
    state: { type: String, required: true, enum: PROPOSAL_STATES },
    approvals: {
      type: [
        new Schema(
          {
            moderatorId: { type: String, required: true },
            seq: { type: Number, required: true, min: 1 },
          },
          { _id: false, strict: true },
        ),
      ],
      default: [],
    },
    createdAt: { type: Number, required: true },
    decidedAt: { type: Number, default: null },
    offeredUntil: { type: Number, default: null },
    updatedAt: { type: Number, required: true },
    decidedBy: { type: String, default: null },
    decisionSeq: { type: Number, default: null },
    decisionReason: { type: String, default: null, enum: [...AUDIT_REASONS, null] },
    note: { type: Buffer, default: null },
  },
  schemaOptions('proposals'),
);
// "Never the same pair twice": one proposal per (request, volunteer).
proposalSchema.index({ requestId: 1, volunteerId: 1 }, { unique: true, name: 'proposals_by_pair' });
proposalSchema.index({ state: 1, createdAt: 1 }, { name: 'proposals_by_state' });
proposalSchema.index({ volunteerId: 1, state: 1 }, { name: 'proposals_by_volunteer' });
proposalSchema.index({ contactId: 1, volunteerId: 1, state: 1 }, { name: 'proposals_by_contact' });
proposalSchema.index({ requestId: 1, decidedAt: -1 }, { name: 'proposals_by_request' });

export const pairBarSchema = new Schema<PairBarDoc>(
  {
    contactId: { type: String, required: true },
    volunteerId: { type: String, required: true },
    reason: { type: String, required: true, enum: PAIR_BAR_REASONS },
    at: { type: Number, required: true },
  },
  schemaOptions('pair_bars'),
);
// A bar is kept once per contact, volunteer and reason.
pairBarSchema.index(
  { contactId: 1, volunteerId: 1, reason: 1 },
  { unique: true, name: 'pair_bars_by_pair' },
);

const reasonSchema = z.record(z.string(), z.unknown());
const alternativeSchema = z.object({
  volunteerId: z.string(),
  score: z.number(),
  reasons: z.array(reasonSchema),
});
const approvalSchema = z.object({ moderatorId: z.string(), seq: z.number().int() });
const barReasonSchema = z.enum(PAIR_BAR_REASONS);
const decidedStateSchema = z.enum(['rejected', 'replaced']);
const decisionReasonSchema = z.enum(AUDIT_REASONS);

/** Proposal states only an approval leads to (audit-verify checks them against the log). */
const APPROVED_STATES: readonly ProposalState[] = [
  'approved',
  'accepted',
  'ended',
  'declined',
  'timed_out',
];
const LIVE_STATES: readonly ProposalState[] = ['pending', 'approved', 'accepted'];
/** The request state each live proposal state goes with; anything else makes it an orphan. */
const REQUEST_STATE_OF: Readonly<Record<string, string>> = {
  pending: 'proposed',
  approved: 'approved',
  accepted: 'active',
};

export const proposalFilters = {
  casState: (id: string, from: readonly ProposalState[]): FilterQuery<ProposalDoc> => ({
    _id: id,
    state: op({ $in: [...from] }),
  }),
  requestCas: (id: string, from: readonly string[]): FilterQuery<RequestDoc> => ({
    _id: id,
    state: op({ $in: [...from] }),
  }),
  pending: (): FilterQuery<ProposalDoc> => ({ state: 'pending' }),
  ofVolunteer: (
    volunteerId: string,
    states: readonly ProposalState[],
  ): FilterQuery<ProposalDoc> => ({
    volunteerId,
    state: op({ $in: [...states] }),
  }),
  ofContact: (contactId: string, states: readonly ProposalState[]): FilterQuery<ProposalDoc> => ({
    contactId,
    state: op({ $in: [...states] }),
  }),
  decidedOf: (requestId: string): FilterQuery<ProposalDoc> => ({
    requestId,
    state: op({ $in: ['rejected', 'replaced'] }),
    decidedAt: op({ $ne: null }),
  }),
  inStates: (states: readonly ProposalState[]): FilterQuery<ProposalDoc> => ({
    state: op({ $in: [...states] }),
  }),
  acceptedBetween: (contactId: string, volunteerId: string): FilterQuery<ProposalDoc> => ({
    contactId,
    volunteerId,
    state: 'accepted',
  }),
  everApproved: (): FilterQuery<ProposalDoc> => ({
    $or: [{ approvals: op({ $ne: [] }) }, { state: op({ $in: [...APPROVED_STATES] }) }],
  }),
  overdue: (now: number): FilterQuery<ProposalDoc> => ({
    state: 'approved',
    offeredUntil: op({ $lte: now }),
  }),
  blocked: (contactId: string, volunteerId: string): FilterQuery<PairBarDoc> => ({
    contactId,
    volunteerId,
    reason: 'blocked',
  }),
  barsBetween: (contactId: string, volunteerId: string): FilterQuery<PairBarDoc> => ({
    contactId,
    volunteerId,
  }),
  openConversationsOf: (accounts: readonly string[]): FilterQuery<ConversationDoc> => ({
    open: true,
    $or: [{ firstId: op({ $in: [...accounts] }) }, { secondId: op({ $in: [...accounts] }) }],
  }),
  openConversations: (): FilterQuery<ConversationDoc> => ({ open: true }),
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('store: proposal field is not JSON');
  }
}

function toProposal(doc: ProposalDoc): ProposalRecord {
  return {
    id: doc._id,
    requestId: doc.requestId,
    volunteerId: doc.volunteerId,
    contactId: doc.contactId,
    score: doc.score,
    reasons: parseStored(z.array(reasonSchema), parseJson(doc.reasons), 'proposal reasons'),
    alternatives: parseStored(
      z.array(alternativeSchema),
      parseJson(doc.alternatives),
      'proposal alternatives',
    ),
    state: parseStored(proposalStateSchema, doc.state, 'proposal state'),
    approvals: parseStored(
      z.array(approvalSchema),
      (doc.approvals ?? []).map((a) => ({ moderatorId: a.moderatorId, seq: a.seq })),
      'proposal approvals',
    ),
    createdAt: doc.createdAt,
    decidedAt: doc.decidedAt ?? null,
    offeredUntil: doc.offeredUntil ?? null,
    updatedAt: doc.updatedAt,
  };
}

function toDecided(doc: ProposalDoc): DecidedProposal {
  return {
    id: doc._id,
    volunteerId: doc.volunteerId,
    state: parseStored(decidedStateSchema, doc.state, 'decided proposal state'),
    decidedAt: doc.decidedAt ?? 0,
    decidedBy: doc.decidedBy ?? null,
    seq: doc.decisionSeq ?? null,
    reason:
      doc.decisionReason === null || doc.decisionReason === undefined
        ? null
        : parseStored(decisionReasonSchema, doc.decisionReason, 'decision reason'),
    note: toBytesOrNull(doc.note),
  };
}

function toBar(doc: PairBarDoc): PairBar {
  return {
    contactId: doc.contactId,
    volunteerId: doc.volunteerId,
    reason: parseStored(barReasonSchema, doc.reason, 'bar reason'),
    at: doc.at,
  };
}

/** Thrown inside a transaction to roll a ProposalChange back. */
export class ProposalConflict extends Error {
  constructor() {
    super('proposal change conflict');
  }
}

/**
 * Whether a live match joins the contact and the volunteer: an accepted proposal of the pair
 * whose request is active, and no 'blocked' bar between them. The newest such proposal, if any.
 */
async function liveMatchOf(
  models: MongoModels,
  contactId: string,
  volunteerId: string,
  session?: ClientSession,
): Promise<ProposalDoc | undefined> {
  const withSession = <Q extends { session(s: ClientSession): Q }>(query: Q): Q =>
    session === undefined ? query : query.session(session);
  const blocked = await withSession(
    models.pairBars.findOne(proposalFilters.blocked(contactId, volunteerId), { _id: 1 }),
  ).lean();
  if (blocked !== null) return undefined;
  const accepted = await withSession(
    models.proposals.find(proposalFilters.acceptedBetween(contactId, volunteerId)),
  )
    .sort({ updatedAt: -1, _id: -1 })
    .lean<ProposalDoc[]>();
  if (accepted.length === 0) return undefined;
  const active = await withSession(
    models.requests.find(
      { _id: op({ $in: accepted.map((doc) => doc.requestId) }), state: 'active' },
      { _id: 1 },
    ),
  ).lean<{ _id: string }[]>();
  const activeIds = new Set(active.map((doc) => doc._id));
  return accepted.find((doc) => activeIds.has(doc.requestId));
}

/**
 * Closes open contact↔volunteer conversations the channel policy no longer allows (no live match
 * between the two, or either suspended), of `accounts` (every account when absent), at most
 * `limit`, oldest first, inside the caller's transaction. Staff conversations are never touched.
 */
export async function closeUnmatchedIn(
  models: MongoModels,
  session: ClientSession,
  options: { readonly at: number; readonly accounts?: readonly string[]; readonly limit: number },
): Promise<ConversationRecord[]> {
  const filter =
    options.accounts === undefined
      ? proposalFilters.openConversations()
      : proposalFilters.openConversationsOf(options.accounts);
  const cursor = models.conversations
    .find(filter, { _id: 1, firstId: 1, secondId: 1 })
    .sort({ createdAt: 1, _id: 1 })
    .session(session)
    .lean<{ _id: string; firstId: string; secondId: string }>()
    .cursor();
  const accounts = new Map<string, { role: string; suspendedAt: number | null } | null>();
  const accountOf = async (id: string) => {
    if (!accounts.has(id)) {
      accounts.set(
        id,
        await models.accounts
          .findOne({ _id: id }, { role: 1, suspendedAt: 1 })
          .session(session)
          .lean<{ role: string; suspendedAt: number | null }>(),
      );
    }
    return accounts.get(id) ?? null;
  };
  const due: string[] = [];
  for await (const conversation of cursor) {
    if (due.length >= options.limit) break;
    const first = await accountOf(conversation.firstId);
    const second = await accountOf(conversation.secondId);
    if (first === null || second === null) continue;
    const pair =
      first.role === 'contact' && second.role === 'volunteer'
        ? { contact: conversation.firstId, volunteer: conversation.secondId }
        : first.role === 'volunteer' && second.role === 'contact'
          ? { contact: conversation.secondId, volunteer: conversation.firstId }
          : undefined;
    if (pair === undefined) continue;
    const suspended = (first.suspendedAt ?? null) !== null || (second.suspendedAt ?? null) !== null;
    if (
      suspended ||
      (await liveMatchOf(models, pair.contact, pair.volunteer, session)) === undefined
    ) {
      due.push(conversation._id);
    }
  }
  await cursor.close();
  return closeConversationsIn(models, session, due, options.at);
}

/** Applies a ProposalChange inside the caller's transaction; throws ProposalConflict to roll back. */
export async function applyProposalChangeIn(
  models: MongoModels,
  session: ClientSession,
  change: ProposalChange,
): Promise<Extract<ProposalChangeOutcome, { kind: 'applied' }>> {
  let updated: ProposalRecord | undefined;
  let inserted: ProposalRecord | undefined;
  let requestAfter: RequestRecord | undefined;
  let closed: ConversationRecord[] = [];
  if (change.update) {
    const u = change.update;
    const set: Record<string, unknown> = { state: u.to, updatedAt: u.at };
    if (u.approvals !== undefined) {
      set.approvals = u.approvals.map((a) => ({ moderatorId: a.moderatorId, seq: a.seq }));
    }
    if (u.decidedAt !== undefined) set.decidedAt = u.decidedAt;
    if (u.offeredUntil !== undefined) set.offeredUntil = u.offeredUntil;
    if (u.decision !== undefined) {
      set.decidedBy = u.decision.moderatorId;
      set.decisionSeq = u.decision.seq;
      if (u.decision.reason !== null) set.decisionReason = u.decision.reason;
      if (u.decision.note !== null) set.note = toBuffer(u.decision.note);
    }
    const doc = await models.proposals
      .findOneAndUpdate(
        proposalFilters.casState(u.id, u.from),
        { $set: set },
        {
          returnDocument: 'after',
          session,
        },
      )
      .lean<ProposalDoc>();
    if (doc === null) throw new ProposalConflict();
    updated = toProposal(doc);
  }
  if (change.insert) {
    const p = change.insert;
    const doc: ProposalDoc = {
      _id: p.id,
      requestId: p.requestId,
      volunteerId: p.volunteerId,
      contactId: p.contactId,
      score: p.score,
      reasons: JSON.stringify(p.reasons),
      alternatives: JSON.stringify(p.alternatives),
      state: 'pending',
      approvals: [],
      createdAt: p.createdAt,
      decidedAt: null,
      offeredUntil: null,
      updatedAt: p.createdAt,
      decidedBy: null,
      decisionSeq: null,
      decisionReason: null,
      note: null,
    };
    try {
      await models.proposals.create([doc], { session });
    } catch (error) {
      // "Never the same pair twice": the unique (request, volunteer) index refuses it.
      if (isDuplicateKey(error)) throw new ProposalConflict();
      throw error;
    }
    inserted = toProposal(doc);
  }
  if (change.request) {
    const r = change.request;
    if (r.ownerId !== undefined) throw new Error('store: owner check is not for proposals');
    const set: Record<string, unknown> = { state: r.to, updatedAt: r.at };
    if (r.dropDetails) set.details = null;
    else if (r.details !== undefined) set.details = toBufferOrNull(r.details);
    const doc = await models.requests
      .findOneAndUpdate(
        proposalFilters.requestCas(r.id, r.from),
        { $set: set },
        {
          returnDocument: 'after',
          projection: REQUEST_FIELDS,
          session,
        },
      )
      .lean<RequestDoc>();
    if (doc === null) throw new ProposalConflict();
    requestAfter = toRequest(doc);
  }
  if (change.bar) {
    const b = change.bar;
    await models.pairBars.updateOne(
      { contactId: b.contactId, volunteerId: b.volunteerId, reason: b.reason },
      { $setOnInsert: { at: b.at } },
      { upsert: true, session },
    );
  }
  // A match that stopped being live (it left 'accepted', or a bar came between the two) takes
  // its conversation with it, in this transaction.
  const pair = change.bar ?? (change.update?.from.includes('accepted') ? updated : undefined);
  if (pair !== undefined) {
    closed = await closeUnmatchedIn(models, session, {
      at: change.bar?.at ?? change.update?.at ?? 0,
      accounts: [pair.contactId, pair.volunteerId],
      limit: CLOSED_PER_PROPOSAL_WRITE,
    });
  }
  return {
    kind: 'applied',
    ...(updated ? { updated } : {}),
    ...(inserted ? { inserted } : {}),
    ...(requestAfter ? { request: requestAfter } : {}),
    ...(closed.length > 0 ? { closedConversations: closed } : {}),
  };
}

export function createMongoProposalStore({ connection, models }: MongoContext): ProposalStore {
  const { proposals, pairBars, requests, accounts, vetting } = models;

  /**
   * Walks `filter`'s proposals in (createdAt, id) order in batches, keeping those `keep` picks,
   * until `limit` are kept: the sweeps whose condition spans collections.
   */
  const sweep = async (
    filter: FilterQuery<ProposalDoc>,
    limit: number,
    keep: (batch: readonly ProposalDoc[]) => Promise<ProposalDoc[]>,
    session?: ClientSession,
  ): Promise<ProposalDoc[]> => {
    const kept: ProposalDoc[] = [];
    let after: { createdAt: number; id: string } | undefined;
    while (kept.length < limit) {
      const page: FilterQuery<ProposalDoc> =
        after === undefined
          ? filter
          : {
              $and: [
                filter,
                {
                  $or: [
                    { createdAt: op({ $gt: after.createdAt }) },
                    { createdAt: after.createdAt, _id: op({ $gt: after.id }) },
                  ],
                },
              ],
            };
      const query = proposals.find(page).sort({ createdAt: 1, _id: 1 }).limit(SWEEP_BATCH);
      const batch = await (session === undefined ? query : query.session(session)).lean<
        ProposalDoc[]
      >();
      if (batch.length === 0) break;
      kept.push(...(await keep(batch)));
      const last = batch[batch.length - 1];
      if (last === undefined || batch.length < SWEEP_BATCH) break;
      after = { createdAt: last.createdAt, id: last._id };
    }
    return kept.slice(0, limit);
  };

  return {
    async applyProposalChange(change) {
      try {
        return await inTransaction(connection, (session) =>
          applyProposalChangeIn(models, session, change),
        );
      } catch (error) {
        if (error instanceof ProposalConflict) return { kind: 'conflict' };
        throw error;
      }
    },

    async findProposal(id) {
      const doc = await proposals.findOne({ _id: id }).lean<ProposalDoc>();
      return doc === null ? undefined : toProposal(doc);
    },

    async pendingProposals(limit) {
      const docs = await proposals
        .find(proposalFilters.pending())
        .sort({ createdAt: 1, _id: 1 })
        .limit(limit)
        .lean<ProposalDoc[]>();
      const total = await proposals.countDocuments(proposalFilters.pending());
      return { proposals: docs.map(toProposal), total };
    },

    async proposalsOfVolunteer(volunteerId, states, limit) {
      const docs = await proposals
        .find(proposalFilters.ofVolunteer(volunteerId, states))
        .sort({ updatedAt: -1, _id: -1 })
        .limit(limit)
        .lean<ProposalDoc[]>();
      return docs.map(toProposal);
    },

    async proposalsOfContact(contactId, states, limit) {
      const docs = await proposals
        .find(proposalFilters.ofContact(contactId, states))
        .sort({ updatedAt: -1, _id: -1 })
        .limit(limit)
        .lean<ProposalDoc[]>();
      return docs.map(toProposal);
    },

    async decidedProposalsOfRequest(requestId, limit) {
      // The newest `limit` by decision, then turned oldest first.
      const docs = await proposals
        .find(proposalFilters.decidedOf(requestId))
        .sort({ decidedAt: -1, _id: -1 })
        .limit(limit)
        .lean<ProposalDoc[]>();
      return docs.reverse().map(toDecided);
    },

    async loads(states) {
      const rows = await proposals.aggregate<{ _id: string; n: number }>([
        { $match: proposalFilters.inStates(states) },
        { $group: { _id: '$volunteerId', n: { $sum: 1 } } },
      ]);
      return new Map(rows.map((row) => [row._id, row.n] as const));
    },

    async hasLiveMatchBetween(a, b) {
      return (
        (await liveMatchOf(models, a, b)) !== undefined ||
        (await liveMatchOf(models, b, a)) !== undefined
      );
    },

    async liveMatchBetween(contactId, volunteerId) {
      const doc = await liveMatchOf(models, contactId, volunteerId);
      return doc === undefined ? undefined : toProposal(doc);
    },

    closeUnmatchedConversations(options) {
      return inTransaction(connection, (session) => closeUnmatchedIn(models, session, options));
    },

    withdrawOrphans(at, limit) {
      return inTransaction(connection, async (session) => {
        const orphans = await sweep(
          proposalFilters.inStates(LIVE_STATES),
          limit,
          async (batch) => {
            const found = await requests
              .find({ _id: op({ $in: batch.map((doc) => doc.requestId) }) }, { _id: 1, state: 1 })
              .session(session)
              .lean<{ _id: string; state: string }[]>();
            const stateOf = new Map(found.map((doc) => [doc._id, doc.state]));
            // A proposal without its request is not an orphan here (as the SQLite join has it).
            return batch.filter((doc) => {
              const requestState = stateOf.get(doc.requestId);
              return requestState !== undefined && requestState !== REQUEST_STATE_OF[doc.state];
            });
          },
          session,
        );
        const withdrawn: ProposalRecord[] = [];
        for (const orphan of orphans) {
          const doc = await proposals
            .findOneAndUpdate(
              { _id: orphan._id, state: orphan.state },
              { $set: { state: 'withdrawn', updatedAt: at } },
              { returnDocument: 'after', session },
            )
            .lean<ProposalDoc>();
          if (doc !== null) withdrawn.push(toProposal(doc));
        }
        return withdrawn;
      });
    },

    async proposalsOfUnmatchable(limit) {
      const docs = await sweep(
        proposalFilters.inStates(['pending', 'approved']),
        limit,
        async (batch) => {
          const volunteers = [...new Set(batch.map((doc) => doc.volunteerId))];
          const suspended = await accounts
            .find({ _id: op({ $in: volunteers }), suspendedAt: op({ $ne: null }) }, { _id: 1 })
            .lean<{ _id: string }[]>();
          const vetted = await vetting
            .find({ _id: op({ $in: volunteers }) }, { _id: 1 })
            .lean<{ _id: string }[]>();
          const suspendedIds = new Set(suspended.map((doc) => doc._id));
          const vettedIds = new Set(vetted.map((doc) => doc._id));
          return batch.filter(
            (doc) => suspendedIds.has(doc.volunteerId) || !vettedIds.has(doc.volunteerId),
          );
        },
      );
      return docs.map(toProposal);
    },

    async overdueOffers(now, limit) {
      const docs = await proposals
        .find(proposalFilters.overdue(now))
        .sort({ offeredUntil: 1, _id: 1 })
        .limit(limit)
        .lean<ProposalDoc[]>();
      return docs.map(toProposal);
    },

    async everyApproved() {
      const docs = await proposals
        .find(proposalFilters.everApproved())
        .sort({ createdAt: 1, _id: 1 })
        .lean<ProposalDoc[]>();
      return docs.map(toProposal);
    },

    async history() {
      const bars = await pairBars.find({}).lean<PairBarDoc[]>();
      const pairs = await proposals
        .find({}, { requestId: 1, volunteerId: 1 })
        .lean<{ requestId: string; volunteerId: string }[]>();
      return {
        barred: bars.map(toBar),
        proposed: pairs.map((doc) => ({ requestId: doc.requestId, volunteerId: doc.volunteerId })),
      };
    },

    async barsBetween(contactId, volunteerId) {
      const docs = await pairBars
        .find(proposalFilters.barsBetween(contactId, volunteerId))
        .lean<PairBarDoc[]>();
      return docs.map(toBar);
    },
  };
}
