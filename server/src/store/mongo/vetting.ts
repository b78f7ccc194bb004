// VettingStore on MongoDB: each volunteer's current tier and its pending high-tier endorsements.
// Written only by audited decisions, through applyVettingIn inside the audit append.
import { Schema } from 'mongoose';
import type { ClientSession, FilterQuery } from 'mongoose';
import type { RiskTier, VettingTier } from '@kolokol/shared';
import type { HighEndorsement, VettingChange, VettingRecord, VettingStore } from '../ports.js';
import type { MongoContext, MongoModels } from './context.js';
import { op, schemaOptions } from './mongoose.js';

export interface VettingDoc {
  /** The volunteer: one current vetting each. */
  readonly _id: string;
  readonly tier: string;
  readonly since: number;
  readonly decidedBy: string[];
}

export interface EndorsementDoc {
  readonly volunteerId: string;
  readonly moderatorId: string;
  readonly seq: number;
  readonly certificateSerial: string;
  readonly certificateExpiresAt: number;
  readonly endorsedAt: number;
}

const RISK_TIERS = ['standard', 'high'] as const;

export const vettingSchema = new Schema<VettingDoc>(
  {
    _id: { type: String, required: true },
    tier: { type: String, required: true, enum: RISK_TIERS },
    since: { type: Number, required: true },
    decidedBy: {
      type: [String],
      required: true,
      validate: {
        validator: (value: readonly string[]) => value.length >= 1 && value.length <= 2,
        message: 'one or two moderators decide a vetting',
      },
    },
  },
  schemaOptions('vetting'),
);

export const endorsementSchema = new Schema<EndorsementDoc>(
  {
    volunteerId: { type: String, required: true },
    moderatorId: { type: String, required: true },
    seq: { type: Number, required: true, min: 1 },
    certificateSerial: { type: String, required: true },
    certificateExpiresAt: { type: Number, required: true },
    endorsedAt: { type: Number, required: true },
  },
  schemaOptions('vetting_endorsements'),
);
// One pending endorsement per (volunteer, moderator): a new one replaces the same moderator's.
endorsementSchema.index(
  { volunteerId: 1, moderatorId: 1 },
  { unique: true, name: 'vetting_endorsements_by_pair' },
);

export const vettingFilters = {
  ofVolunteers: (ids: readonly string[]): FilterQuery<VettingDoc> => ({
    _id: op({ $in: [...ids] }),
  }),
  endorsementsOf: (volunteerId: string): FilterQuery<EndorsementDoc> => ({ volunteerId }),
};

function toTier(text: string): RiskTier {
  if (text !== 'standard' && text !== 'high') throw new Error('store: unknown vetting tier');
  return text;
}

function toRecord(doc: VettingDoc): VettingRecord {
  return {
    volunteerId: doc._id,
    tier: toTier(doc.tier),
    since: doc.since,
    decidedBy: [...doc.decidedBy],
  };
}

function toEndorsement(doc: EndorsementDoc): HighEndorsement {
  return {
    volunteerId: doc.volunteerId,
    moderatorId: doc.moderatorId,
    seq: doc.seq,
    certificateSerial: doc.certificateSerial,
    certificateExpiresAt: doc.certificateExpiresAt,
    endorsedAt: doc.endorsedAt,
  };
}

/** Applies a VettingChange inside the caller's transaction (the audit append). */
export async function applyVettingIn(
  models: MongoModels,
  session: ClientSession,
  change: VettingChange,
): Promise<void> {
  if (change.vetting === null)
    await models.vetting.deleteOne({ _id: change.volunteerId }, { session });
  if (change.vetting) {
    const { volunteerId, tier, since, decidedBy } = change.vetting;
    if (volunteerId !== change.volunteerId) throw new Error('store: vetting of another volunteer');
    await models.vetting.replaceOne(
      { _id: volunteerId },
      { _id: volunteerId, tier, since, decidedBy: [...decidedBy] },
      { upsert: true, session },
    );
  }
  if (change.clearEndorsements) {
    await models.endorsements.deleteMany(vettingFilters.endorsementsOf(change.volunteerId), {
      session,
    });
  }
  if (change.endorse) {
    const e = change.endorse;
    if (e.volunteerId !== change.volunteerId) throw new Error('store: endorsement of another');
    await models.endorsements.replaceOne(
      { volunteerId: e.volunteerId, moderatorId: e.moderatorId },
      { ...e },
      { upsert: true, session },
    );
  }
}

export function createMongoVettingStore({ models }: MongoContext): VettingStore {
  const { vetting, endorsements, accounts } = models;

  /** The ids among `ids` of accounts that exist and are not suspended. */
  const unsuspended = async (ids: readonly string[]): Promise<Set<string>> => {
    if (ids.length === 0) return new Set();
    const docs = await accounts
      .find({ _id: op({ $in: [...ids] }), suspendedAt: null }, { _id: 1 })
      .lean<{ _id: string }[]>();
    return new Set(docs.map((doc) => doc._id));
  };

  return {
    async find(volunteerId) {
      const doc = await vetting.findOne({ _id: volunteerId }).lean<VettingDoc>();
      return doc === null ? undefined : toRecord(doc);
    },

    async endorsements(volunteerId) {
      const docs = await endorsements
        .find(vettingFilters.endorsementsOf(volunteerId))
        .sort({ seq: 1 })
        .lean<EndorsementDoc[]>();
      return docs.map(toEndorsement);
    },

    async tierOf(accountId) {
      const doc = await vetting.findOne({ _id: accountId }, { tier: 1 }).lean<{ tier: string }>();
      if (doc === null) return 'none';
      // A suspended account is never matchable.
      return (await unsuspended([accountId])).has(accountId) ? toTier(doc.tier) : 'none';
    },

    async tiersOf(accountIds) {
      const tiers = new Map<string, VettingTier>(accountIds.map((id) => [id, 'none']));
      if (accountIds.length === 0) return tiers;
      const docs = await vetting
        .find(vettingFilters.ofVolunteers(accountIds), { _id: 1, tier: 1 })
        .lean<{ _id: string; tier: string }[]>();
      const live = await unsuspended(docs.map((doc) => doc._id));
      for (const doc of docs) if (live.has(doc._id)) tiers.set(doc._id, toTier(doc.tier));
      return tiers;
    },

    async listVetted() {
      const docs = await vetting
        .find({}, { _id: 1, tier: 1 })
        .sort({ _id: 1 })
        .lean<{ _id: string; tier: string }[]>();
      const live = await unsuspended(docs.map((doc) => doc._id));
      return docs
        .filter((doc) => live.has(doc._id))
        .map((doc) => ({ accountId: doc._id, tier: toTier(doc.tier) }));
    },

    async everything() {
      const records = await vetting.find({}).sort({ _id: 1 }).lean<VettingDoc[]>();
      const pending = await endorsements
        .find({})
        .sort({ volunteerId: 1, seq: 1 })
        .lean<EndorsementDoc[]>();
      return { vetting: records.map(toRecord), endorsements: pending.map(toEndorsement) };
    },
  };
}
