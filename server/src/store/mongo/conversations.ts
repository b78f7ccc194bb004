// ConversationStore on MongoDB: conversations, their gapless sequences and the per-device
// envelopes. A send is one transaction that takes the conversation's next sequence number by
// updating the conversation document, so concurrent sends to one conversation conflict and are
// retried one after the other: numbers are gapless and unique (the unique index on
// (conversationId, seq) is the last word). No group commit: see docs/storage-mongodb.md.
import { Schema } from 'mongoose';
import type { ClientSession, FilterQuery } from 'mongoose';
import type {
  AckResult,
  AppendMessageResult,
  BacklogCaps,
  ConversationEnvelopeRecord,
  ConversationRecord,
  ConversationStore,
  NewConversationMessage,
} from '../ports.js';
import { isDuplicateKey, toBuffer, toBytes } from './codec.js';
import type { MongoContext, MongoModels } from './context.js';
import type { DeviceDoc } from './devices.js';
import { op, schemaOptions } from './mongoose.js';
import { inTransaction, lock } from './transactions.js';

export interface ConversationDoc {
  readonly _id: string;
  /** The participants in order (firstId < secondId). */
  readonly firstId: string;
  readonly secondId: string;
  /** True until closed: the open-pair unique index covers open conversations only. */
  readonly open: boolean;
  readonly ttlMs: number;
  readonly lastSeq: number;
  readonly createdAt: number;
  readonly closedAt: number | null;
  /**
   * Raised by every device list change of either participant (markDevicesChanged): a send that
   * decided on the old devices conflicts with it and is retried.
   */
  readonly devicesEpoch: number;
}

export interface MessageDoc {
  readonly conversationId: string;
  readonly seq: number;
  readonly senderId: string;
  readonly senderDeviceId: string;
  readonly clientId: string;
  readonly sentAt: number;
  /** sentAt + the conversation's timer, as a Date: the TTL index's field (a backstop). */
  readonly expireAt: Date;
}

export interface EnvelopeDoc {
  readonly conversationId: string;
  readonly deviceId: string;
  readonly seq: number;
  readonly senderId: string;
  readonly senderDeviceId: string;
  readonly sentAt: number;
  /** body's length, summed for the backlog cap. */
  readonly bytes: number;
  readonly body: Buffer;
  readonly expireAt: Date;
}

export interface ConversationDeviceDoc {
  readonly conversationId: string;
  readonly deviceId: string;
  readonly ackedSeq: number;
}

export const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: { type: String, required: true },
    firstId: { type: String, required: true },
    secondId: { type: String, required: true },
    open: { type: Boolean, required: true },
    ttlMs: { type: Number, required: true, min: 1 },
    lastSeq: { type: Number, required: true, min: 0 },
    createdAt: { type: Number, required: true },
    closedAt: { type: Number, default: null },
    devicesEpoch: { type: Number, required: true, min: 0, default: 0 },
  },
  schemaOptions('conversations'),
);
// At most one open conversation per pair; closed ones leave the index.
conversationSchema.index(
  { firstId: 1, secondId: 1 },
  { unique: true, partialFilterExpression: { open: true }, name: 'conversations_open_pair' },
);
conversationSchema.index({ firstId: 1, createdAt: -1 }, { name: 'conversations_by_first' });
conversationSchema.index({ secondId: 1, createdAt: -1 }, { name: 'conversations_by_second' });
conversationSchema.index({ closedAt: 1 }, { name: 'conversations_by_closing' });

/**
 * The TTL backstop: MongoDB's TTL monitor deletes a message and its envelopes once `expireAt`
 * (sent + timer) has passed, even if purgeExpired never ran. purgeExpired(now) stays the sweep the
 * server relies on (it also removes closed conversations); the monitor runs about once a minute.
 */
const EXPIRE_AT_TTL = { expireAfterSeconds: 0 } as const;

export const messageSchema = new Schema<MessageDoc>(
  {
    conversationId: { type: String, required: true },
    seq: { type: Number, required: true, min: 1 },
    senderId: { type: String, required: true },
    senderDeviceId: { type: String, required: true },
    clientId: { type: String, required: true },
    sentAt: { type: Number, required: true },
    expireAt: { type: Date, required: true },
  },
  schemaOptions('conversation_messages'),
);
// One message per sequence number of a conversation, and one per sender's clientId (a retried
// send is idempotent).
messageSchema.index({ conversationId: 1, seq: 1 }, { unique: true, name: 'messages_by_seq' });
messageSchema.index(
  { conversationId: 1, senderId: 1, clientId: 1 },
  { unique: true, name: 'messages_by_client_id' },
);
messageSchema.index({ expireAt: 1 }, { ...EXPIRE_AT_TTL, name: 'messages_ttl' });
messageSchema.index({ sentAt: 1 }, { name: 'messages_by_age' });

export const envelopeSchema = new Schema<EnvelopeDoc>(
  {
    conversationId: { type: String, required: true },
    deviceId: { type: String, required: true },
    seq: { type: Number, required: true, min: 1 },
    senderId: { type: String, required: true },
    senderDeviceId: { type: String, required: true },
    sentAt: { type: Number, required: true },
    bytes: { type: Number, required: true, min: 0 },
    body: { type: Buffer, required: true },
    expireAt: { type: Date, required: true },
  },
  schemaOptions('conversation_envelopes'),
);
envelopeSchema.index(
  { conversationId: 1, deviceId: 1, seq: 1 },
  { unique: true, name: 'envelopes_by_device' },
);
envelopeSchema.index({ deviceId: 1 }, { name: 'envelopes_of_device' });
envelopeSchema.index({ expireAt: 1 }, { ...EXPIRE_AT_TTL, name: 'envelopes_ttl' });
envelopeSchema.index({ conversationId: 1, sentAt: 1 }, { name: 'envelopes_by_age' });

export const conversationDeviceSchema = new Schema<ConversationDeviceDoc>(
  {
    conversationId: { type: String, required: true },
    deviceId: { type: String, required: true },
    ackedSeq: { type: Number, required: true, min: 0 },
  },
  schemaOptions('conversation_devices'),
);
conversationDeviceSchema.index(
  { conversationId: 1, deviceId: 1 },
  { unique: true, name: 'conversation_devices_by_pair' },
);
conversationDeviceSchema.index({ deviceId: 1 }, { name: 'conversation_devices_by_device' });

/** The pair in the order the collection keeps it (firstId < secondId). */
function ordered([a, b]: readonly [string, string]): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export const conversationFilters = {
  openPair: (first: string, second: string): FilterQuery<ConversationDoc> => {
    const [low, high] = ordered([first, second]);
    return { firstId: low, secondId: high, open: true };
  },
  ofAccount: (accountId: string): FilterQuery<ConversationDoc> => ({
    $or: [{ firstId: accountId }, { secondId: accountId }],
  }),
  openOfAccount: (accountId: string): FilterQuery<ConversationDoc> => ({
    open: true,
    $or: [{ firstId: accountId }, { secondId: accountId }],
  }),
  openById: (id: string): FilterQuery<ConversationDoc> => ({ _id: id, open: true }),
  /** The conversation at the sequence number the send read: the send's compare-and-swap. */
  atSeq: (id: string, lastSeq: number): FilterQuery<ConversationDoc> => ({
    _id: id,
    open: true,
    lastSeq,
  }),
  sent: (conversationId: string, senderId: string, clientId: string): FilterQuery<MessageDoc> => ({
    conversationId,
    senderId,
    clientId,
  }),
  pendingOf: (conversationId: string, deviceId: string): FilterQuery<EnvelopeDoc> => ({
    conversationId,
    deviceId,
  }),
  envelopesAfter: (
    conversationId: string,
    deviceId: string,
    after: number,
    sentAfter: number,
  ): FilterQuery<EnvelopeDoc> => ({
    conversationId,
    deviceId,
    seq: op({ $gt: after }),
    sentAt: op({ $gt: sentAfter }),
  }),
  envelopesUpTo: (
    conversationId: string,
    deviceId: string,
    seq: number,
  ): FilterQuery<EnvelopeDoc> => ({
    conversationId,
    deviceId,
    seq: op({ $lte: seq }),
  }),
  ackOf: (conversationId: string, deviceId: string): FilterQuery<ConversationDeviceDoc> => ({
    conversationId,
    deviceId,
  }),
  acksOf: (
    conversationIds: readonly string[],
    deviceId: string,
  ): FilterQuery<ConversationDeviceDoc> => ({
    conversationId: op({ $in: [...conversationIds] }),
    deviceId,
  }),
  messagesSentBy: (sentBefore: number): FilterQuery<MessageDoc> => ({
    sentAt: op({ $lte: sentBefore }),
  }),
  expiredMessages: (conversationId: string, sentBefore: number): FilterQuery<MessageDoc> => ({
    conversationId,
    sentAt: op({ $lte: sentBefore }),
  }),
  expiredEnvelopes: (conversationId: string, sentBefore: number): FilterQuery<EnvelopeDoc> => ({
    conversationId,
    sentAt: op({ $lte: sentBefore }),
  }),
  closed: (): FilterQuery<ConversationDoc> => ({ open: false }),
  ofConversations: (ids: readonly string[]): FilterQuery<MessageDoc> => ({
    conversationId: op({ $in: [...ids] }),
  }),
  /** The high waters of these devices in these conversations: the delivered mark's inputs. */
  acksIn: (
    conversationIds: readonly string[],
    deviceIds: readonly string[],
  ): FilterQuery<ConversationDeviceDoc> => ({
    conversationId: op({ $in: [...conversationIds] }),
    deviceId: op({ $in: [...deviceIds] }),
  }),
  /** The devices of these accounts (whose high waters make their delivered marks). */
  devicesOf: (accountIds: readonly string[]): FilterQuery<DeviceDoc> => ({
    accountId: op({ $in: [...accountIds] }),
  }),
};

export function toConversation(doc: ConversationDoc): ConversationRecord {
  return {
    id: doc._id,
    participants: [doc.firstId, doc.secondId],
    ttlMs: doc.ttlMs,
    lastSeq: doc.lastSeq,
    createdAt: doc.createdAt,
    closedAt: doc.closedAt ?? null,
  };
}

/**
 * Raises `devicesEpoch` on every open conversation of the account, inside a device list change's
 * transaction: sends that read the old devices now conflict with it (see appendMessage).
 */
export async function markDevicesChanged(
  models: MongoModels,
  session: ClientSession,
  accountId: string,
): Promise<void> {
  await models.conversations.updateMany(
    conversationFilters.openOfAccount(accountId),
    { $inc: { devicesEpoch: 1 } },
    { session },
  );
}

/** Closes the open conversations `ids` at `at` inside the caller's transaction: the records after. */
export async function closeConversationsIn(
  models: MongoModels,
  session: ClientSession,
  ids: readonly string[],
  at: number,
): Promise<ConversationRecord[]> {
  if (ids.length === 0) return [];
  await models.conversations.updateMany(
    { _id: op({ $in: [...ids] }), open: true },
    { $set: { open: false, closedAt: at } },
    { session },
  );
  const after = await models.conversations
    .find({ _id: op({ $in: [...ids] }) })
    .sort({ createdAt: 1, _id: 1 })
    .session(session)
    .lean<ConversationDoc[]>();
  return after.map(toConversation);
}

export function createMongoConversationStore({
  connection,
  models,
}: MongoContext): ConversationStore {
  const { conversations, messages, envelopes, conversationDevices, devices, locks } = models;

  const findById = async (id: string, session?: ClientSession) => {
    const query = conversations.findOne({ _id: id });
    return (session === undefined ? query : query.session(session)).lean<ConversationDoc>();
  };

  /** The device's unacknowledged backlog in the conversation: envelopes and bytes. */
  const backlogOf = async (session: ClientSession, conversationId: string, deviceId: string) => {
    const [held] = await envelopes
      .aggregate<{ envelopes: number; bytes: number }>([
        { $match: conversationFilters.pendingOf(conversationId, deviceId) },
        { $group: { _id: null, envelopes: { $sum: 1 }, bytes: { $sum: '$bytes' } } },
      ])
      .session(session);
    return held ?? { envelopes: 0, bytes: 0 };
  };

  /** Each conversation's delivered mark for `viewer`: the peer's devices' highest high water. */
  const deliveredMarks = async (docs: readonly ConversationDoc[], viewer: string) => {
    const marks = new Map<string, number>();
    if (docs.length === 0) return marks;
    const peerOf = (doc: ConversationDoc) => (doc.firstId === viewer ? doc.secondId : doc.firstId);
    const owners = new Map(
      (
        await devices
          .find(conversationFilters.devicesOf([...new Set(docs.map(peerOf))]), { accountId: 1 })
          .lean<{ _id: string; accountId: string }[]>()
      ).map((device) => [device._id, device.accountId]),
    );
    if (owners.size === 0) return marks;
    const peers = new Map(docs.map((doc) => [doc._id, peerOf(doc)]));
    const acks = await conversationDevices
      .find(conversationFilters.acksIn([...peers.keys()], [...owners.keys()]))
      .lean<ConversationDeviceDoc[]>();
    for (const ack of acks) {
      if (owners.get(ack.deviceId) !== peers.get(ack.conversationId)) continue;
      marks.set(ack.conversationId, Math.max(marks.get(ack.conversationId) ?? 0, ack.ackedSeq));
    }
    return marks;
  };

  /** The highest high water among the other devices of `deviceId`'s account in the conversation. */
  const siblingsBest = async (session: ClientSession, conversationId: string, deviceId: string) => {
    const own = await devices
      .findOne({ _id: deviceId }, { accountId: 1 })
      .session(session)
      .lean<{ accountId: string }>();
    if (own === null) return 0;
    const others = (
      await devices
        .find(conversationFilters.devicesOf([own.accountId]), { _id: 1 })
        .session(session)
        .lean<{ _id: string }[]>()
    )
      .map((device) => device._id)
      .filter((id) => id !== deviceId);
    if (others.length === 0) return 0;
    const acks = await conversationDevices
      .find(conversationFilters.acksIn([conversationId], others))
      .session(session)
      .lean<ConversationDeviceDoc[]>();
    return Math.max(0, ...acks.map((ack) => ack.ackedSeq));
  };

  const append = (message: NewConversationMessage, caps: BacklogCaps) =>
    inTransaction(connection, async (session): Promise<AppendMessageResult> => {
      const earlier = await messages
        .findOne(
          conversationFilters.sent(message.conversationId, message.senderId, message.clientId),
        )
        .session(session)
        .lean<MessageDoc>();
      if (earlier !== null) return { kind: 'duplicate', seq: earlier.seq, sentAt: earlier.sentAt };
      const conversation = await findById(message.conversationId, session);
      if (
        conversation === null ||
        (conversation.firstId !== message.senderId && conversation.secondId !== message.senderId)
      ) {
        return { kind: 'not-found' };
      }
      if (!conversation.open) return { kind: 'closed' };
      const sender = await devices
        .exists({ _id: message.senderDeviceId, accountId: message.senderId })
        .session(session);
      if (sender === null) return { kind: 'sender-removed' };
      const peer =
        conversation.firstId === message.senderId ? conversation.secondId : conversation.firstId;
      const current = new Set(
        (
          await devices
            .find({ accountId: peer }, { _id: 1 })
            .session(session)
            .lean<{ _id: string }[]>()
        ).map((doc) => doc._id),
      );
      const named = new Set(message.envelopes.map((envelope) => envelope.deviceId));
      if (
        named.size !== message.envelopes.length ||
        named.size !== current.size ||
        [...named].some((device) => !current.has(device))
      ) {
        return { kind: 'devices-changed' };
      }
      for (const envelope of message.envelopes) {
        const held = await backlogOf(session, message.conversationId, envelope.deviceId);
        if (held.envelopes + 1 > caps.envelopes || held.bytes + envelope.body.length > caps.bytes) {
          return { kind: 'backlog-full' };
        }
      }
      // Taking the number writes the conversation document: a concurrent send (or device list
      // change) conflicts here and the driver retries it against the committed state.
      const seq = conversation.lastSeq + 1;
      const advanced = await conversations.updateOne(
        conversationFilters.atSeq(message.conversationId, conversation.lastSeq),
        { $set: { lastSeq: seq } },
        { session },
      );
      if (advanced.matchedCount !== 1) throw new Error('store: conversation moved during a send');
      const expireAt = new Date(message.sentAt + conversation.ttlMs);
      await messages.create(
        [
          {
            conversationId: message.conversationId,
            seq,
            senderId: message.senderId,
            senderDeviceId: message.senderDeviceId,
            clientId: message.clientId,
            sentAt: message.sentAt,
            expireAt,
          },
        ],
        { session },
      );
      if (message.envelopes.length > 0) {
        await envelopes.insertMany(
          message.envelopes.map((envelope) => ({
            conversationId: message.conversationId,
            deviceId: envelope.deviceId,
            seq,
            senderId: message.senderId,
            senderDeviceId: message.senderDeviceId,
            sentAt: message.sentAt,
            bytes: envelope.body.length,
            body: toBuffer(envelope.body),
            expireAt,
          })),
          { session },
        );
      }
      return { kind: 'created', seq, sentAt: message.sentAt };
    });

  return {
    async openConversation(conversation) {
      const [firstId, secondId] = ordered(conversation.participants);
      const open = () =>
        inTransaction(connection, async (session) => {
          await lock(locks, session, `pair:${firstId}:${secondId}`);
          const existing = await conversations
            .findOne(conversationFilters.openPair(firstId, secondId))
            .session(session)
            .lean<ConversationDoc>();
          if (existing !== null) {
            return { kind: 'existing' as const, conversation: toConversation(existing) };
          }
          const doc: ConversationDoc = {
            _id: conversation.id,
            firstId,
            secondId,
            open: true,
            ttlMs: conversation.ttlMs,
            lastSeq: 0,
            createdAt: conversation.createdAt,
            closedAt: null,
            devicesEpoch: 0,
          };
          await conversations.create([doc], { session });
          return { kind: 'created' as const, conversation: toConversation(doc) };
        });
      try {
        return await open();
      } catch (error) {
        // The open-pair index refused a second open conversation: answer with the first.
        if (!isDuplicateKey(error)) throw error;
        const existing = await conversations
          .findOne(conversationFilters.openPair(firstId, secondId))
          .lean<ConversationDoc>();
        if (existing === null) throw error;
        return { kind: 'existing', conversation: toConversation(existing) };
      }
    },

    async findConversation(id) {
      const doc = await findById(id);
      return doc === null ? undefined : toConversation(doc);
    },

    async findOpenBetween(first, second) {
      const doc = await conversations
        .findOne(conversationFilters.openPair(first, second))
        .lean<ConversationDoc>();
      return doc === null ? undefined : toConversation(doc);
    },

    async listConversations(accountId, deviceId, limit) {
      if (!(limit >= 1)) return [];
      const docs = await conversations
        .find(conversationFilters.ofAccount(accountId))
        .sort({ createdAt: -1, _id: 1 })
        .limit(Math.floor(limit))
        .lean<ConversationDoc[]>();
      const acked = new Map<string, number>();
      if (deviceId !== null && docs.length > 0) {
        const acks = await conversationDevices
          .find(
            conversationFilters.acksOf(
              docs.map((doc) => doc._id),
              deviceId,
            ),
          )
          .lean<ConversationDeviceDoc[]>();
        for (const ack of acks) acked.set(ack.conversationId, ack.ackedSeq);
      }
      const delivered = await deliveredMarks(docs, accountId);
      return docs.map((doc) => ({
        ...toConversation(doc),
        ackedSeq: acked.get(doc._id) ?? 0,
        delivered: delivered.get(doc._id) ?? 0,
      }));
    },

    async closeConversation(id, at) {
      await conversations.updateOne(conversationFilters.openById(id), {
        $set: { open: false, closedAt: at },
      });
      const doc = await findById(id);
      return doc === null ? undefined : toConversation(doc);
    },

    setTimer(id, ttlMs) {
      return inTransaction(connection, async (session) => {
        const doc = await conversations
          .findOneAndUpdate(
            conversationFilters.openById(id),
            { $set: { ttlMs } },
            { returnDocument: 'after', session },
          )
          .lean<ConversationDoc>();
        if (doc === null) return undefined;
        // The TTL backstop follows the new timer, as purgeExpired does.
        const expireAt = [{ $set: { expireAt: { $add: [{ $toDate: '$sentAt' }, ttlMs] } } }];
        await messages.updateMany({ conversationId: id }, expireAt, { session });
        await envelopes.updateMany({ conversationId: id }, expireAt, { session });
        return toConversation(doc);
      });
    },

    appendMessage(message, caps) {
      return append(message, caps);
    },

    async findSent(conversationId, senderId, clientId) {
      const doc = await messages
        .findOne(conversationFilters.sent(conversationId, senderId, clientId), {
          seq: 1,
          sentAt: 1,
        })
        .lean<{ seq: number; sentAt: number }>();
      return doc === null ? undefined : { seq: doc.seq, sentAt: doc.sentAt };
    },

    async fetchEnvelopes(conversationId, deviceId, options) {
      if (!(options.limit >= 1)) return [];
      const docs = await envelopes
        .find(
          conversationFilters.envelopesAfter(
            conversationId,
            deviceId,
            options.after,
            options.sentAfter,
          ),
        )
        .sort({ seq: 1 })
        .limit(Math.floor(options.limit))
        .lean<EnvelopeDoc[]>();
      return docs.map((doc): ConversationEnvelopeRecord => ({
        conversationId: doc.conversationId,
        seq: doc.seq,
        senderId: doc.senderId,
        senderDeviceId: doc.senderDeviceId,
        sentAt: doc.sentAt,
        body: toBytes(doc.body),
      }));
    },

    acknowledge(conversationId, deviceId, seq) {
      return inTransaction(connection, async (session): Promise<AckResult> => {
        const conversation = await findById(conversationId, session);
        if (conversation === null || seq > conversation.lastSeq) return { kind: 'no-such-seq' };
        const ack = await conversationDevices
          .findOne(conversationFilters.ackOf(conversationId, deviceId))
          .session(session)
          .lean<ConversationDeviceDoc>();
        const acked = ack?.ackedSeq ?? 0;
        if (seq <= acked) return { kind: 'acked', ackedSeq: acked, deleted: 0, delivered: null };
        const removed = await envelopes.deleteMany(
          conversationFilters.envelopesUpTo(conversationId, deviceId, seq),
          { session },
        );
        // Writing the high water makes two acks of one device conflict (one is retried).
        await conversationDevices.updateOne(
          conversationFilters.ackOf(conversationId, deviceId),
          { $set: { ackedSeq: seq } },
          { upsert: true, session },
        );
        const siblings = await siblingsBest(session, conversationId, deviceId);
        const delivered = seq > siblings ? seq : null;
        return { kind: 'acked', ackedSeq: seq, deleted: removed.deletedCount, delivered };
      });
    },

    async purgeExpired(now) {
      // Not one transaction: a sweep over every conversation could pass a transaction's size and
      // time limits. Each deletion is decided by time alone, so a sweep cut short is finished by
      // the next one; envelopes go before their messages, so no envelope outlives its message.
      let messageCount = 0;
      const shortest = await conversations
        .findOne({}, { ttlMs: 1 })
        .sort({ ttlMs: 1 })
        .lean<{ ttlMs: number }>();
      if (shortest !== null) {
        const touched = await messages.distinct(
          'conversationId',
          conversationFilters.messagesSentBy(now - shortest.ttlMs),
        );
        for (const id of touched) {
          const conversation = await conversations
            .findOne({ _id: id }, { ttlMs: 1 })
            .lean<{ ttlMs: number }>();
          if (conversation === null) continue;
          const before = now - conversation.ttlMs;
          await envelopes.deleteMany(conversationFilters.expiredEnvelopes(id, before));
          const gone = await messages.deleteMany(conversationFilters.expiredMessages(id, before));
          messageCount += gone.deletedCount;
        }
      }
      const closed = await conversations
        .find(conversationFilters.closed(), { _id: 1, ttlMs: 1, closedAt: 1 })
        .lean<{ _id: string; ttlMs: number; closedAt: number | null }[]>();
      const due = closed
        .filter((doc) => doc.closedAt !== null && doc.closedAt <= now - doc.ttlMs)
        .map((doc) => doc._id);
      let conversationCount = 0;
      if (due.length > 0) {
        await envelopes.deleteMany(conversationFilters.ofConversations(due));
        await messages.deleteMany(conversationFilters.ofConversations(due));
        await conversationDevices.deleteMany(conversationFilters.ofConversations(due));
        const gone = await conversations.deleteMany({ _id: op({ $in: due }), open: false });
        conversationCount = gone.deletedCount;
      }
      return { messages: messageCount, conversations: conversationCount };
    },
  };
}
