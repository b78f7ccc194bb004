// RequestStore on MongoDB: contacts' requests, each state change one conditional update
// (compare-and-swap on the state), the sealed details dropped in the same write when one ends.
import { Schema } from 'mongoose';
import type { FilterQuery } from 'mongoose';
import {
  REQUEST_STATES,
  URGENCIES,
  languageCodeSchema,
  regionCodeSchema,
  requestStateSchema,
  skillCodeSchema,
  urgencySchema,
} from '@kolokol/shared';
import type { RequestState } from '@kolokol/shared';
import { z } from 'zod';
import type { RequestRecord, RequestStore } from '../ports.js';
import { nonEmpty, parseStored, toBuffer, toBytes } from './codec.js';
import type { MongoContext } from './context.js';
import { op, schemaOptions } from './mongoose.js';
import { inTransaction, lock } from './transactions.js';

export interface RequestDoc {
  readonly _id: string;
  readonly ownerId: string;
  readonly clientId: string;
  readonly skills: string[];
  readonly urgency: string;
  readonly languages: string[];
  readonly region: string;
  readonly state: string;
  /** The sealed details; null once the request ended. */
  readonly details: Buffer | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export const requestSchema = new Schema<RequestDoc>(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    clientId: { type: String, required: true },
    skills: { type: [String], required: true, validate: nonEmpty },
    urgency: { type: String, required: true, enum: URGENCIES },
    languages: { type: [String], required: true, validate: nonEmpty },
    region: { type: String, required: true },
    state: { type: String, required: true, enum: REQUEST_STATES },
    details: { type: Buffer, default: null },
    createdAt: { type: Number, required: true },
    updatedAt: { type: Number, required: true },
  },
  schemaOptions('requests'),
);
// A retried create is idempotent: one request per (owner, client id).
requestSchema.index({ ownerId: 1, clientId: 1 }, { unique: true, name: 'requests_by_client_id' });
requestSchema.index({ ownerId: 1, createdAt: -1 }, { name: 'requests_by_owner' });
requestSchema.index({ state: 1, createdAt: 1 }, { name: 'requests_by_state' });

/** Every field but the details. */
export const REQUEST_FIELDS = {
  _id: 1,
  ownerId: 1,
  clientId: 1,
  skills: 1,
  urgency: 1,
  languages: 1,
  region: 1,
  state: 1,
  createdAt: 1,
  updatedAt: 1,
} as const;

export const requestFilters = {
  byClientId: (ownerId: string, clientId: string): FilterQuery<RequestDoc> => ({
    ownerId,
    clientId,
  }),
  liveOf: (ownerId: string, states: readonly RequestState[]): FilterQuery<RequestDoc> => ({
    ownerId,
    state: op({ $in: [...states] }),
  }),
  inState: (state: RequestState): FilterQuery<RequestDoc> => ({ state }),
  ofOwner: (ownerId: string): FilterQuery<RequestDoc> => ({ ownerId }),
  transition: (
    id: string,
    from: readonly RequestState[],
    ownerId?: string,
  ): FilterQuery<RequestDoc> => ({
    _id: id,
    state: op({ $in: [...from] }),
    ...(ownerId === undefined ? {} : { ownerId }),
  }),
  expirable: (from: readonly RequestState[], createdBefore: number): FilterQuery<RequestDoc> => ({
    state: op({ $in: [...from] }),
    createdAt: op({ $lte: createdBefore }),
  }),
  purgeable: (states: readonly RequestState[], before: number): FilterQuery<RequestDoc> => ({
    state: op({ $in: [...states] }),
    updatedAt: op({ $lte: before }),
  }),
};

export function toRequest(doc: Omit<RequestDoc, 'details'>): RequestRecord {
  return {
    id: doc._id,
    ownerId: doc.ownerId,
    clientId: doc.clientId,
    skills: parseStored(z.array(skillCodeSchema), doc.skills, 'request skills'),
    urgency: parseStored(urgencySchema, doc.urgency, 'request urgency'),
    languages: parseStored(z.array(languageCodeSchema), doc.languages, 'request languages'),
    region: parseStored(regionCodeSchema, doc.region, 'request region'),
    state: parseStored(requestStateSchema, doc.state, 'request state'),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function createMongoRequestStore({ connection, models }: MongoContext): RequestStore {
  const { requests, locks } = models;
  return {
    createRequest(request, limit) {
      return inTransaction(connection, async (session) => {
        // The live count decides the insert: one lock per owner.
        await lock(locks, session, `requests-of:${request.ownerId}`);
        const earlier = await requests
          .findOne(requestFilters.byClientId(request.ownerId, request.clientId))
          .session(session)
          .lean<RequestDoc>();
        if (earlier !== null) {
          return {
            kind: 'duplicate' as const,
            request: toRequest(earlier),
            details: earlier.details === null ? null : toBytes(earlier.details),
          };
        }
        const live = await requests
          .countDocuments(requestFilters.liveOf(request.ownerId, limit.liveStates))
          .session(session);
        if (live >= limit.maxLive) return { kind: 'limit' as const };
        const doc = {
          _id: request.id,
          ownerId: request.ownerId,
          clientId: request.clientId,
          skills: [...request.skills],
          urgency: request.urgency,
          languages: [...request.languages],
          region: request.region,
          state: 'open',
          details: toBuffer(request.details),
          createdAt: request.createdAt,
          updatedAt: request.createdAt,
        };
        await requests.create([doc], { session });
        return { kind: 'created' as const, request: toRequest(doc) };
      });
    },

    async findRequest(id) {
      const doc = await requests.findOne({ _id: id }, REQUEST_FIELDS).lean<RequestDoc>();
      return doc === null ? undefined : toRequest(doc);
    },

    async findRequestDetails(id) {
      const doc = await requests
        .findOne({ _id: id }, { details: 1 })
        .lean<{ details: Buffer | null }>();
      return doc === null || doc.details === null || doc.details === undefined
        ? undefined
        : toBytes(doc.details);
    },

    async listRequestsInState(state, limit) {
      const docs = await requests
        .find(requestFilters.inState(state), REQUEST_FIELDS)
        .sort({ createdAt: 1, _id: 1 })
        .limit(limit)
        .lean<RequestDoc[]>();
      return docs.map(toRequest);
    },

    async listRequestsOf(ownerId, limit) {
      const docs = await requests
        .find(requestFilters.ofOwner(ownerId), REQUEST_FIELDS)
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean<RequestDoc[]>();
      return docs.map(toRequest);
    },

    async transitionRequest(id, change) {
      // The state check is in the filter: the change applies only to the state the domain saw.
      const doc = await requests
        .findOneAndUpdate(
          requestFilters.transition(id, change.from, change.ownerId),
          {
            $set: {
              state: change.to,
              updatedAt: change.at,
              ...(change.dropDetails ? { details: null } : {}),
            },
          },
          { returnDocument: 'after', projection: REQUEST_FIELDS },
        )
        .lean<RequestDoc>();
      return doc === null ? undefined : toRequest(doc);
    },

    expireRequests({ from, createdBefore, at, limit }) {
      return inTransaction(connection, async (session) => {
        const due = await requests
          .find(requestFilters.expirable(from, createdBefore), { _id: 1 })
          .sort({ createdAt: 1 })
          .limit(limit)
          .session(session)
          .lean<{ _id: string }[]>();
        if (due.length === 0) return [];
        const ids = due.map((doc) => doc._id);
        await requests.updateMany(
          { _id: op({ $in: ids }) },
          { $set: { state: 'expired', updatedAt: at, details: null } },
          { session },
        );
        const after = await requests
          .find({ _id: op({ $in: ids }) }, REQUEST_FIELDS)
          .sort({ createdAt: 1 })
          .session(session)
          .lean<RequestDoc[]>();
        return after.map(toRequest);
      });
    },

    async purgeRequests(states, before) {
      const result = await requests.deleteMany(requestFilters.purgeable(states, before));
      return result.deletedCount;
    },
  };
}
