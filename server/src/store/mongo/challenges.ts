// ChallengeStore on MongoDB: the random ids of redeemed login challenges, until they expire.
// No handle, no nonce: a seized database says only that some challenge was redeemed.
import { Schema } from 'mongoose';
import type { FilterQuery } from 'mongoose';
import type { ChallengeStore } from '../ports.js';
import { isDuplicateKey } from './codec.js';
import type { MongoContext } from './context.js';
import { op, schemaOptions } from './mongoose.js';

export interface SpentChallengeDoc {
  readonly _id: string;
  readonly expiresAt: number;
}

export const spentChallengeSchema = new Schema<SpentChallengeDoc>(
  {
    _id: { type: String, required: true },
    expiresAt: { type: Number, required: true },
  },
  schemaOptions('spent_challenges'),
);
spentChallengeSchema.index({ expiresAt: 1 }, { name: 'spent_challenges_by_expiry' });

export const challengeFilters = {
  expired: (now: number): FilterQuery<SpentChallengeDoc> => ({ expiresAt: op({ $lte: now }) }),
};

export function createMongoChallengeStore({ models }: MongoContext): ChallengeStore {
  const { spentChallenges } = models;
  return {
    async spend(id, expiresAt) {
      // One insert checks and records: of two concurrent redemptions exactly one inserts, the
      // other meets the _id's uniqueness.
      try {
        await spentChallenges.create([{ _id: id, expiresAt }]);
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    async purge(now) {
      const result = await spentChallenges.deleteMany(challengeFilters.expired(now));
      return result.deletedCount;
    },
  };
}
