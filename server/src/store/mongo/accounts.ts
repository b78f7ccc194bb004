// AccountStore on MongoDB: registration (with or without an operator's enrolment code) in one
// transaction, lookups, suspension with its session revocations, the sealed key backup.
import { timingSafeEqual } from 'node:crypto';
import { Schema } from 'mongoose';
import type { ClientSession, FilterQuery } from 'mongoose';
import { ROLES } from '@kolokol/shared';
import type { Role } from '@kolokol/shared';
import type { AccountRecord, AccountStore, CreateAccountResult, NewAccount } from '../ports.js';
import { isDuplicateKey, toBuffer, toBytes, toRole } from './codec.js';
import type { MongoContext } from './context.js';
import { op, schemaOptions } from './mongoose.js';
import { revokeLiveSessions } from './sessions.js';
import { Rollback, inTransaction, lock } from './transactions.js';

export interface AccountDoc {
  readonly _id: string;
  readonly handle: string;
  readonly role: string;
  readonly signingKey: Buffer;
  readonly exchangeKey: Buffer;
  readonly exchangeSignature: Buffer;
  readonly salt: Buffer;
  readonly authKey: Buffer;
  readonly keyBackup: Buffer;
  readonly createdAt: number;
  readonly suspendedAt: number | null;
}

const requiredBytes = { type: Buffer, required: true } as const;

export const accountSchema = new Schema<AccountDoc>(
  {
    _id: { type: String, required: true },
    handle: { type: String, required: true },
    role: { type: String, required: true, enum: ROLES },
    signingKey: requiredBytes,
    exchangeKey: requiredBytes,
    exchangeSignature: requiredBytes,
    salt: requiredBytes,
    authKey: requiredBytes,
    keyBackup: requiredBytes,
    createdAt: { type: Number, required: true },
    suspendedAt: { type: Number, default: null },
  },
  schemaOptions('accounts'),
);
accountSchema.index({ handle: 1 }, { unique: true, name: 'accounts_by_handle' });
accountSchema.index({ role: 1 }, { name: 'accounts_by_role' });
/**
 * Covers the login lookup (every field it returns is in the key): a known handle is answered from
 * the index alone, like an unknown one, so the two cost the same (see findForLogin).
 */
export const ACCOUNTS_FOR_LOGIN_INDEX = 'accounts_for_login';
accountSchema.index(
  {
    handle: 1,
    _id: 1,
    role: 1,
    signingKey: 1,
    exchangeKey: 1,
    exchangeSignature: 1,
    salt: 1,
    authKey: 1,
    createdAt: 1,
    suspendedAt: 1,
  },
  { name: ACCOUNTS_FOR_LOGIN_INDEX },
);

/** Every field but the key backup (read at login only). */
const RECORD_FIELDS = {
  _id: 1,
  handle: 1,
  role: 1,
  signingKey: 1,
  exchangeKey: 1,
  exchangeSignature: 1,
  salt: 1,
  authKey: 1,
  createdAt: 1,
  suspendedAt: 1,
} as const;

/** The filters this store builds, each from validated values only (tests inspect them). */
export const accountFilters = {
  byId: (id: string): FilterQuery<AccountDoc> => ({ _id: id }),
  byHandle: (handle: string): FilterQuery<AccountDoc> => ({ handle }),
  staff: (): FilterQuery<AccountDoc> => ({ role: op({ $in: ['moderator', 'admin'] }) }),
  activeAmong: (ids: readonly string[]): FilterQuery<AccountDoc> => ({
    _id: op({ $in: [...ids] }),
    suspendedAt: null,
  }),
  keyBackupIs: (id: string, expected: Uint8Array): FilterQuery<AccountDoc> => ({
    _id: id,
    keyBackup: toBuffer(expected),
  }),
  secretsAre: (
    id: string,
    authKey: Uint8Array,
    keyBackup: Uint8Array,
  ): FilterQuery<AccountDoc> => ({
    _id: id,
    authKey: toBuffer(authKey),
    keyBackup: toBuffer(keyBackup),
  }),
};

type AccountFields = Omit<AccountDoc, 'keyBackup'>;

function toAccount(doc: AccountFields): AccountRecord {
  return {
    id: doc._id,
    handle: doc.handle,
    role: toRole(doc.role),
    signingKey: toBytes(doc.signingKey),
    exchangeKey: toBytes(doc.exchangeKey),
    exchangeSignature: toBytes(doc.exchangeSignature),
    salt: toBytes(doc.salt),
    authKey: toBytes(doc.authKey),
    createdAt: doc.createdAt,
    suspendedAt: doc.suspendedAt ?? null,
  };
}

function toFields(account: AccountRecord): AccountFields {
  return {
    _id: account.id,
    handle: account.handle,
    role: account.role,
    signingKey: toBuffer(account.signingKey),
    exchangeKey: toBuffer(account.exchangeKey),
    exchangeSignature: toBuffer(account.exchangeSignature),
    salt: toBuffer(account.salt),
    authKey: toBuffer(account.authKey),
    createdAt: account.createdAt,
    suspendedAt: account.suspendedAt,
  };
}

/** Code hashes are compared in constant time even though they are hashes: it costs nothing. */
function sameCodeHash(stored: Uint8Array, given: Uint8Array): boolean {
  return stored.length === given.length && timingSafeEqual(stored, given);
}

/** The lock every write that decides on a handle takes (registration, enrolment). */
export function handleLock(handle: string): string {
  return `handle:${handle}`;
}

export function createMongoAccountStore({ connection, models }: MongoContext): AccountStore {
  const { accounts, enrolments, locks } = models;

  const create = (
    account: NewAccount,
    codeHash: Uint8Array | undefined,
    now: number,
  ): Promise<CreateAccountResult> =>
    inTransaction(connection, async (session) => {
      // Registration and enrolment of one handle take the same lock: neither decides on a state
      // the other is changing.
      await lock(locks, session, handleLock(account.handle));
      const taken = await accounts.exists(accountFilters.byHandle(account.handle)).session(session);
      if (taken !== null) return { kind: 'handle-taken' } as const;
      const enrolment = await enrolments
        .findOne({ _id: account.handle })
        .session(session)
        .lean<{ role: string; codeHash: Buffer; expiresAt: number }>();
      const pending = enrolment !== null && enrolment.expiresAt > now ? enrolment : null;
      let role: Role;
      if (codeHash !== undefined) {
        if (pending === null || !sameCodeHash(toBytes(pending.codeHash), codeHash)) {
          return { kind: 'enrolment-invalid' } as const;
        }
        role = toRole(pending.role);
      } else {
        // The operator reserved this handle for someone holding the code.
        if (pending !== null) return { kind: 'handle-taken' } as const;
        role = account.role;
      }
      // Consumes a used enrolment, and clears an expired one that no longer reserves anything.
      if (enrolment !== null) await enrolments.deleteOne({ _id: account.handle }, { session });
      const record: AccountRecord = {
        id: account.id,
        handle: account.handle,
        role,
        signingKey: new Uint8Array(account.signingKey),
        exchangeKey: new Uint8Array(account.exchangeKey),
        exchangeSignature: new Uint8Array(account.exchangeSignature),
        salt: new Uint8Array(account.salt),
        authKey: new Uint8Array(account.authKey),
        createdAt: account.createdAt,
        suspendedAt: null,
      };
      await accounts.create([{ ...toFields(record), keyBackup: toBuffer(account.keyBackup) }], {
        session,
      });
      return { kind: 'created', account: record } as const;
    });

  return {
    async create(account, options) {
      try {
        return await create(account, options.enrolmentCodeHash, options.now);
      } catch (error) {
        // The unique handle index is the last word: a race past the lock still answers plainly.
        if (isDuplicateKey(error)) return { kind: 'handle-taken' };
        throw error;
      }
    },

    async findByHandle(handle) {
      const doc = await accounts
        .findOne(accountFilters.byHandle(handle), RECORD_FIELDS)
        .lean<AccountFields>();
      return doc === null ? undefined : toAccount(doc);
    },

    async findForLogin(handle, decoy) {
      // One indexed read either way, answered from the covering index; the decoy's fields stand in
      // where there is no account and go through the same toAccount call.
      const doc = await accounts
        .findOne(accountFilters.byHandle(handle), RECORD_FIELDS)
        .hint(ACCOUNTS_FOR_LOGIN_INDEX)
        .lean<AccountFields>();
      // The decoy comes back under the handle asked for, as a stored account would.
      return { found: doc !== null, account: toAccount(doc ?? toFields({ ...decoy, handle })) };
    },

    async staffHandles() {
      const docs = await accounts
        .find(accountFilters.staff(), { handle: 1 })
        .lean<{ handle: string }[]>();
      return docs.map((doc) => doc.handle);
    },

    async findById(id) {
      const doc = await accounts
        .findOne(accountFilters.byId(id), RECORD_FIELDS)
        .lean<AccountFields>();
      return doc === null ? undefined : toAccount(doc);
    },

    async activeAmong(ids) {
      if (ids.length === 0) return new Set();
      const docs = await accounts
        .find(accountFilters.activeAmong(ids), { _id: 1 })
        .lean<{ _id: string }[]>();
      return new Set(docs.map((doc) => doc._id));
    },

    async setSuspended(id, suspendedAt) {
      const result = await accounts.updateOne(accountFilters.byId(id), { $set: { suspendedAt } });
      return result.matchedCount > 0;
    },

    suspend(id, at) {
      return inTransaction(connection, async (session) => {
        const revoked = await suspendIn(models, session, id, at);
        return revoked === undefined ? undefined : { revokedSessionIds: revoked };
      });
    },

    async findKeyBackup(id) {
      const doc = await accounts
        .findOne(accountFilters.byId(id), { keyBackup: 1 })
        .lean<{ keyBackup: Buffer }>();
      return doc === null ? undefined : toBytes(doc.keyBackup);
    },

    async setKeyBackup(id, keyBackup, expected) {
      // One compare-and-swap: two replacements cannot both win.
      const result = await accounts.updateOne(accountFilters.keyBackupIs(id, expected), {
        $set: { keyBackup: toBuffer(keyBackup) },
      });
      return result.matchedCount > 0;
    },

    rekey(id, replacement, expected, options) {
      return inTransaction(connection, async (session) => {
        const swapped = await accounts.updateOne(
          accountFilters.secretsAre(id, expected.authKey, expected.keyBackup),
          {
            $set: {
              salt: toBuffer(replacement.salt),
              authKey: toBuffer(replacement.authKey),
              keyBackup: toBuffer(replacement.keyBackup),
            },
          },
          { session },
        );
        if (swapped.matchedCount === 0) throw new Rollback(undefined);
        const revokedSessionIds = await revokeLiveSessions(models, session, {
          accountId: id,
          at: options.now,
          exceptId: options.keepSessionId,
        });
        return { revokedSessionIds };
      });
    },
  };
}

/**
 * Suspends the account (keeping the first suspension time) and revokes its live sessions, inside
 * the caller's transaction; undefined when no such account. Shared with the audited writes.
 */
export async function suspendIn(
  models: MongoContext['models'],
  session: ClientSession,
  id: string,
  at: number,
): Promise<string[] | undefined> {
  const account = await models.accounts
    .findOne(accountFilters.byId(id), { suspendedAt: 1 })
    .session(session)
    .lean<{ suspendedAt: number | null }>();
  if (account === null) return undefined;
  if (account.suspendedAt === null || account.suspendedAt === undefined) {
    await models.accounts.updateOne(
      accountFilters.byId(id),
      { $set: { suspendedAt: at } },
      { session },
    );
  }
  return revokeLiveSessions(models, session, { accountId: id, at });
}
