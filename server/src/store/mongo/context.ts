// What every MongoDB port adapter is built from: the connection and one model per collection,
// all registered on the adapter's own mongoose instance (mongoose.ts).
import type { Connection } from 'mongoose';
import { accountSchema } from './accounts.js';
import { auditEntrySchema } from './audit.js';
import { certificateSchema, counterSchema, revocationListSchema } from './certificates.js';
import { spentChallengeSchema } from './challenges.js';
import {
  conversationDeviceSchema,
  conversationSchema,
  envelopeSchema,
  messageSchema,
} from './conversations.js';
import { deviceListSchema, deviceSchema, pendingDeviceSchema } from './devices.js';
import { enrolmentSchema } from './enrolments.js';
import { envelopePrekeySchema } from './envelope-prekeys.js';
import { metaSchema } from './meta.js';
import { offerSchema } from './offers.js';
import { oneTimeKemPrekeySchema, oneTimePrekeySchema, signedPrekeySchema } from './prekeys.js';
import { pairBarSchema, proposalSchema } from './proposals.js';
import { reportSchema } from './reports.js';
import { requestSchema } from './requests.js';
import { sessionSchema } from './sessions.js';
import { lockSchema } from './transactions.js';
import { endorsementSchema, vettingSchema } from './vetting.js';

/** One model per collection, as registerModels makes them. */
export type MongoModels = ReturnType<typeof registerModels>;

export interface MongoContext {
  readonly connection: Connection;
  readonly models: MongoModels;
}

/** Every schema by model name: the list open() builds collections and indexes from. */
export const MONGO_SCHEMAS = {
  accounts: accountSchema,
  enrolments: enrolmentSchema,
  sessions: sessionSchema,
  spentChallenges: spentChallengeSchema,
  meta: metaSchema,
  devices: deviceSchema,
  deviceLists: deviceListSchema,
  pendingDevices: pendingDeviceSchema,
  signedPrekeys: signedPrekeySchema,
  oneTimePrekeys: oneTimePrekeySchema,
  oneTimeKemPrekeys: oneTimeKemPrekeySchema,
  certificates: certificateSchema,
  revocationLists: revocationListSchema,
  counters: counterSchema,
  envelopePrekeys: envelopePrekeySchema,
  audit: auditEntrySchema,
  vetting: vettingSchema,
  endorsements: endorsementSchema,
  offers: offerSchema,
  requests: requestSchema,
  proposals: proposalSchema,
  pairBars: pairBarSchema,
  reports: reportSchema,
  conversations: conversationSchema,
  messages: messageSchema,
  envelopes: envelopeSchema,
  conversationDevices: conversationDeviceSchema,
  locks: lockSchema,
} as const;

/** Registers one model per schema on `connection` (no server needed: nothing is sent). */
export function registerModels(connection: Connection) {
  const model = connection.model.bind(connection);
  return {
    accounts: model('accounts', accountSchema),
    enrolments: model('enrolments', enrolmentSchema),
    sessions: model('sessions', sessionSchema),
    spentChallenges: model('spentChallenges', spentChallengeSchema),
    meta: model('meta', metaSchema),
    devices: model('devices', deviceSchema),
    deviceLists: model('deviceLists', deviceListSchema),
    pendingDevices: model('pendingDevices', pendingDeviceSchema),
    signedPrekeys: model('signedPrekeys', signedPrekeySchema),
    oneTimePrekeys: model('oneTimePrekeys', oneTimePrekeySchema),
    oneTimeKemPrekeys: model('oneTimeKemPrekeys', oneTimeKemPrekeySchema),
    certificates: model('certificates', certificateSchema),
    revocationLists: model('revocationLists', revocationListSchema),
    counters: model('counters', counterSchema),
    envelopePrekeys: model('envelopePrekeys', envelopePrekeySchema),
    audit: model('audit', auditEntrySchema),
    vetting: model('vetting', vettingSchema),
    endorsements: model('endorsements', endorsementSchema),
    offers: model('offers', offerSchema),
    requests: model('requests', requestSchema),
    proposals: model('proposals', proposalSchema),
    pairBars: model('pairBars', pairBarSchema),
    reports: model('reports', reportSchema),
    conversations: model('conversations', conversationSchema),
    messages: model('messages', messageSchema),
    envelopes: model('envelopes', envelopeSchema),
    conversationDevices: model('conversationDevices', conversationDeviceSchema),
    locks: model('locks', lockSchema),
  };
}
