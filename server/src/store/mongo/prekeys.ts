// PrekeyStore on MongoDB: signed prekeys per device and two pools of one-time prekeys (X25519 and
// ML-KEM-768). A one-time prekey is consumed by one findOneAndDelete (lowest id first), so two
// concurrent takers never get the same one; writes check the device in the same transaction.
import { Schema } from 'mongoose';
import type { FilterQuery } from 'mongoose';
import type { AddPrekeysResult, PrekeyStore, StoredPrekey, TakenBundle } from '../ports.js';
import { toBuffer, toBytes } from './codec.js';
import type { MongoContext, MongoModels } from './context.js';
import { deviceLock } from './devices.js';
import { op, schemaOptions } from './mongoose.js';
import { Rollback, inTransaction, lock } from './transactions.js';

export interface SignedPrekeyDoc {
  /** The device: one pair of signed prekeys each. */
  readonly _id: string;
  readonly signedId: number;
  readonly signedPublicKey: Buffer;
  readonly signedSignature: Buffer;
  readonly kemId: number;
  readonly kemPublicKey: Buffer;
  readonly kemSignature: Buffer;
  readonly updatedAt: number;
}

export interface OneTimePrekeyDoc {
  readonly deviceId: string;
  readonly keyId: number;
  readonly publicKey: Buffer;
  readonly signature: Buffer;
}

const keyId = { type: Number, required: true, min: 0, max: 0xffff_ffff } as const;

export const signedPrekeySchema = new Schema<SignedPrekeyDoc>(
  {
    _id: { type: String, required: true },
    signedId: keyId,
    signedPublicKey: { type: Buffer, required: true },
    signedSignature: { type: Buffer, required: true },
    kemId: keyId,
    kemPublicKey: { type: Buffer, required: true },
    kemSignature: { type: Buffer, required: true },
    updatedAt: { type: Number, required: true },
  },
  schemaOptions('signed_prekeys'),
);

function oneTimeSchema(collection: string): Schema<OneTimePrekeyDoc> {
  const schema = new Schema<OneTimePrekeyDoc>(
    {
      deviceId: { type: String, required: true },
      keyId,
      publicKey: { type: Buffer, required: true },
      // Empty for one-time X25519 prekeys (not required: an empty Buffer must pass).
      signature: { type: Buffer, default: () => Buffer.alloc(0) },
    },
    schemaOptions(collection),
  );
  // One key per (device, id), and the lowest id first: the index a take walks.
  schema.index({ deviceId: 1, keyId: 1 }, { unique: true, name: `${collection}_by_device` });
  return schema;
}

export const oneTimePrekeySchema = oneTimeSchema('one_time_prekeys');
export const oneTimeKemPrekeySchema = oneTimeSchema('one_time_kem_prekeys');

export const prekeyFilters = {
  ofDevice: (deviceId: string): FilterQuery<OneTimePrekeyDoc> => ({ deviceId }),
  idsOfDevice: (deviceId: string, ids: readonly number[]): FilterQuery<OneTimePrekeyDoc> => ({
    deviceId,
    keyId: op({ $in: [...ids] }),
  }),
};

function toPrekey(id: number, publicKey: unknown, signature: unknown): StoredPrekey {
  return { id, publicKey: toBytes(publicKey), signature: toBytes(signature) };
}

export function createMongoPrekeyStore({ connection, models }: MongoContext): PrekeyStore {
  const { devices, signedPrekeys, oneTimePrekeys, oneTimeKemPrekeys, locks } = models;

  const add = (
    pool: MongoModels['oneTimePrekeys'],
    deviceId: string,
    prekeys: readonly StoredPrekey[],
    maxTotal: number,
  ): Promise<AddPrekeysResult> =>
    inTransaction(connection, async (session) => {
      // The device lock orders this against the device's removal and other uploads to it.
      await lock(locks, session, deviceLock(deviceId));
      if ((await devices.exists({ _id: deviceId }).session(session)) === null) {
        return 'no-device' as const;
      }
      if (prekeys.length === 0) return 'added' as const;
      const ids = prekeys.map((prekey) => prekey.id);
      if (new Set(ids).size !== ids.length) return 'duplicate' as const;
      if ((await pool.exists(prekeyFilters.idsOfDevice(deviceId, ids)).session(session)) !== null) {
        return 'duplicate' as const;
      }
      const held = await pool.countDocuments(prekeyFilters.ofDevice(deviceId)).session(session);
      if (held + prekeys.length > maxTotal) throw new Rollback<AddPrekeysResult>('too-many');
      await pool.insertMany(
        prekeys.map((prekey) => ({
          deviceId,
          keyId: prekey.id,
          publicKey: toBuffer(prekey.publicKey),
          signature: toBuffer(prekey.signature),
        })),
        { session },
      );
      return 'added' as const;
    });

  return {
    setSignedPrekeys(deviceId, { signed, kem, now }) {
      return inTransaction(connection, async (session) => {
        await lock(locks, session, deviceLock(deviceId));
        if ((await devices.exists({ _id: deviceId }).session(session)) === null) {
          return 'no-device' as const;
        }
        await signedPrekeys.replaceOne(
          { _id: deviceId },
          {
            _id: deviceId,
            signedId: signed.id,
            signedPublicKey: toBuffer(signed.publicKey),
            signedSignature: toBuffer(signed.signature),
            kemId: kem.id,
            kemPublicKey: toBuffer(kem.publicKey),
            kemSignature: toBuffer(kem.signature),
            updatedAt: now,
          },
          { upsert: true, session },
        );
        return 'stored' as const;
      });
    },

    addOneTimePrekeys(deviceId, prekeys, maxTotal) {
      return add(oneTimePrekeys, deviceId, prekeys, maxTotal);
    },

    addOneTimeKemPrekeys(deviceId, prekeys, maxTotal) {
      return add(oneTimeKemPrekeys, deviceId, prekeys, maxTotal);
    },

    takeBundle(deviceId, options = { oneTime: true }) {
      return inTransaction(connection, async (session): Promise<TakenBundle | undefined> => {
        const signed = await signedPrekeys
          .findOne({ _id: deviceId })
          .session(session)
          .lean<SignedPrekeyDoc>();
        if (signed === null) return undefined;
        // Selecting and deleting the lowest id in one operation is what makes a take single-use.
        const take = (pool: MongoModels['oneTimePrekeys']) =>
          options.oneTime
            ? pool
                .findOneAndDelete(prekeyFilters.ofDevice(deviceId), { sort: { keyId: 1 }, session })
                .lean<OneTimePrekeyDoc>()
            : Promise.resolve(null);
        const oneTime = await take(oneTimePrekeys);
        const oneTimeKem = await take(oneTimeKemPrekeys);
        const oneTimeRemaining = await oneTimePrekeys
          .countDocuments(prekeyFilters.ofDevice(deviceId))
          .session(session);
        const oneTimeKemRemaining = await oneTimeKemPrekeys
          .countDocuments(prekeyFilters.ofDevice(deviceId))
          .session(session);
        return {
          signedPrekey: toPrekey(signed.signedId, signed.signedPublicKey, signed.signedSignature),
          kemPrekey: toPrekey(signed.kemId, signed.kemPublicKey, signed.kemSignature),
          ...(oneTime
            ? { oneTimePrekey: toPrekey(oneTime.keyId, oneTime.publicKey, oneTime.signature) }
            : {}),
          ...(oneTimeKem
            ? {
                oneTimeKemPrekey: toPrekey(
                  oneTimeKem.keyId,
                  oneTimeKem.publicKey,
                  oneTimeKem.signature,
                ),
              }
            : {}),
          oneTimeRemaining,
          oneTimeKemRemaining,
        };
      });
    },

    countOneTimePrekeys(deviceId) {
      return oneTimePrekeys.countDocuments(prekeyFilters.ofDevice(deviceId)).exec();
    },

    countOneTimeKemPrekeys(deviceId) {
      return oneTimeKemPrekeys.countDocuments(prekeyFilters.ofDevice(deviceId)).exec();
    },

    async findSignedPrekeys(deviceId) {
      const doc = await signedPrekeys.findOne({ _id: deviceId }).lean<SignedPrekeyDoc>();
      return doc === null
        ? undefined
        : {
            signed: toPrekey(doc.signedId, doc.signedPublicKey, doc.signedSignature),
            kem: toPrekey(doc.kemId, doc.kemPublicKey, doc.kemSignature),
          };
    },
  };
}
