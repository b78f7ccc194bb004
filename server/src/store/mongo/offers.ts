// OfferStore on MongoDB: one document per volunteer, replaced whole by each put.
import { Schema } from 'mongoose';
import type { FilterQuery } from 'mongoose';
import { languageCodeSchema, offerSkillSchema, regionCodeSchema } from '@kolokol/shared';
import { z } from 'zod';
import type { OfferRecord, OfferStore } from '../ports.js';
import {
  nonEmpty,
  parseStored,
  toBuffer,
  toBufferOrNull,
  toBytes,
  toBytesOrNull,
} from './codec.js';
import type { MongoContext } from './context.js';
import { op, schemaOptions } from './mongoose.js';

export interface OfferDoc {
  /** The volunteer's account: one offer each. */
  readonly _id: string;
  readonly skills: { readonly code: string; readonly level: number }[];
  readonly languages: string[];
  readonly regions: string[];
  readonly utcOffsetMinutes: number;
  readonly availability: Buffer;
  readonly capacity: number;
  readonly paused: boolean;
  readonly note: Buffer | null;
  readonly updatedAt: number;
}

export const offerSchema = new Schema<OfferDoc>(
  {
    _id: { type: String, required: true },
    skills: {
      type: [
        new Schema(
          {
            code: { type: String, required: true },
            level: { type: Number, required: true, enum: [1, 2, 3] },
          },
          { _id: false, strict: true },
        ),
      ],
      required: true,
      validate: nonEmpty,
    },
    languages: { type: [String], required: true, validate: nonEmpty },
    regions: { type: [String], required: true, validate: nonEmpty },
    utcOffsetMinutes: { type: Number, required: true, min: -24 * 60, max: 24 * 60 },
    availability: { type: Buffer, required: true },
    capacity: { type: Number, required: true, min: 0 },
    paused: { type: Boolean, required: true },
    note: { type: Buffer, default: null },
    updatedAt: { type: Number, required: true },
  },
  schemaOptions('offers'),
);

export const offerFilters = {
  ofAccounts: (ids: readonly string[]): FilterQuery<OfferDoc> => ({ _id: op({ $in: [...ids] }) }),
};

function toOffer(doc: OfferDoc): OfferRecord {
  return {
    accountId: doc._id,
    skills: parseStored(z.array(offerSkillSchema), doc.skills, 'offer skills'),
    languages: parseStored(z.array(languageCodeSchema), doc.languages, 'offer languages'),
    regions: parseStored(z.array(regionCodeSchema), doc.regions, 'offer regions'),
    utcOffsetMinutes: doc.utcOffsetMinutes,
    availability: toBytes(doc.availability),
    capacity: doc.capacity,
    paused: doc.paused,
    note: toBytesOrNull(doc.note),
    updatedAt: doc.updatedAt,
  };
}

export function createMongoOfferStore({ models }: MongoContext): OfferStore {
  const { offers } = models;
  return {
    async putOffer(offer) {
      // One replace: 'created' or 'replaced' is decided by whether it matched the stored one.
      const result = await offers.replaceOne(
        { _id: offer.accountId },
        {
          _id: offer.accountId,
          skills: offer.skills.map((skill) => ({ code: skill.code, level: skill.level })),
          languages: [...offer.languages],
          regions: [...offer.regions],
          utcOffsetMinutes: offer.utcOffsetMinutes,
          availability: toBuffer(offer.availability),
          capacity: offer.capacity,
          paused: offer.paused,
          note: toBufferOrNull(offer.note),
          updatedAt: offer.updatedAt,
        },
        { upsert: true },
      );
      return result.upsertedCount > 0 ? 'created' : 'replaced';
    },

    async findOffer(accountId) {
      const doc = await offers.findOne({ _id: accountId }).lean<OfferDoc>();
      return doc === null ? undefined : toOffer(doc);
    },

    async findOffers(accountIds) {
      if (accountIds.length === 0) return [];
      const docs = await offers.find(offerFilters.ofAccounts(accountIds)).lean<OfferDoc[]>();
      return docs.map(toOffer);
    },

    async setOfferPaused(accountId, paused, at) {
      const doc = await offers
        .findOneAndUpdate(
          { _id: accountId },
          { $set: { paused, updatedAt: at } },
          { returnDocument: 'after' },
        )
        .lean<OfferDoc>();
      return doc === null ? undefined : toOffer(doc);
    },
  };
}
