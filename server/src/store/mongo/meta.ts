// MetaStore on MongoDB: named server-side values (secrets such as the fake-salt key), created once.
import { Schema } from 'mongoose';
import type { MetaStore } from '../ports.js';
import { toBuffer, toBytes } from './codec.js';
import type { MongoContext } from './context.js';
import { schemaOptions } from './mongoose.js';

export interface MetaDoc {
  readonly _id: string;
  readonly value: Buffer;
}

export const metaSchema = new Schema<MetaDoc>(
  {
    _id: { type: String, required: true },
    value: { type: Buffer, required: true },
  },
  schemaOptions('meta'),
);

export function createMongoMetaStore({ models }: MongoContext): MetaStore {
  const { meta } = models;
  return {
    async getOrCreate(name, create) {
      // Fast path: once stored, a value never changes.
      const existing = await meta.findOne({ _id: name }).lean<MetaDoc>();
      if (existing !== null) return toBytes(existing.value);
      // $setOnInsert with upsert: of two processes creating at once, one inserts and both read
      // back the one stored value (the _id's uniqueness decides; a losing upsert is retried by
      // the server as a match).
      const created = await meta
        .findOneAndUpdate(
          { _id: name },
          { $setOnInsert: { value: toBuffer(create()) } },
          { upsert: true, returnDocument: 'after' },
        )
        .lean<MetaDoc>();
      if (created === null) throw new Error('store: meta value not written');
      return toBytes(created.value);
    },
  };
}
