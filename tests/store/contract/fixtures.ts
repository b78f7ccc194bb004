// Test data for the store contract: unique ids and handles, distinct byte strings, accounts,
// sessions.
import { expect } from 'vitest';
import type {
  AccountRecord,
  NewAccount,
  SessionRecord,
  Store,
} from '../../../server/src/store/ports.js';

/** Gives the test body the store opened for it by the contract's beforeEach. */
export type CurrentStore = () => Store;

let counter = 0;

/** A value never returned before in this process, so tests need no cleanup between them. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Deterministic bytes whose content depends on `seed`, so different seeds compare unequal. */
export function bytes(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (seed * 31 + index * 7) % 256);
}

/** Bytes never returned before in this process (the counter is written big-endian up front). */
export function uniqueBytes(length: number): Uint8Array {
  counter += 1;
  const value = bytes(length, counter);
  new DataView(value.buffer).setUint32(0, counter);
  return value;
}

/** What the store returns for a new account: everything but the key backup (read separately). */
export function storedAccount(account: NewAccount): Omit<NewAccount, 'keyBackup'> {
  const { keyBackup, ...rest } = account;
  return rest;
}

export function newAccount(overrides: Partial<NewAccount> = {}): NewAccount {
  const seed = counter + 1;
  return {
    id: unique('account'),
    handle: unique('handle'),
    role: 'contact',
    signingKey: bytes(32, seed),
    exchangeKey: bytes(32, seed + 1),
    exchangeSignature: bytes(64, seed + 2),
    salt: bytes(16, seed + 3),
    authKey: bytes(32, seed + 4),
    keyBackup: bytes(120, seed + 5),
    createdAt: 1_000,
    ...overrides,
  };
}

/** A live session of `accountId` (created at 1 000, expiring at 10 000) with a unique token hash. */
export function newSession(
  accountId: string,
  overrides: Partial<SessionRecord> = {},
): SessionRecord {
  return {
    id: unique('session'),
    accountId,
    deviceId: null,
    tokenHash: uniqueBytes(32),
    createdAt: 1_000,
    expiresAt: 10_000,
    revokedAt: null,
    ...overrides,
  };
}

/** Creates a self-registered account and fails the test if that did not work. */
export async function createAccount(
  store: Store,
  overrides: Partial<NewAccount> = {},
): Promise<AccountRecord> {
  const result = await store.accounts.create(newAccount(overrides), { now: 1_000 });
  if (result.kind !== 'created') {
    throw new Error(`fixture: account not created (${result.kind})`);
  }
  return result.account;
}

/** Bytes handed out by a store are plain Uint8Array (not Buffer, not a driver's Binary). */
export function expectPlainBytes(value: Uint8Array): void {
  expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype);
}

/**
 * Adds a device to `accountId` (a new account when none is given) the way the domain does: a
 * reservation, then a list naming it (the store keeps the list's bytes opaque). Returns its id.
 */
export async function createDevice(
  store: Store,
  accountId?: string,
  now = 1_000,
): Promise<{ accountId: string; deviceId: string }> {
  const owner = accountId ?? (await createAccount(store)).id;
  const deviceId = unique('device');
  const deviceKey = uniqueBytes(32);
  const reserved = await store.devices.reserve(
    { id: deviceId, accountId: owner, deviceKey, expiresAt: now + 600_000 },
    10,
    now,
  );
  if (reserved !== 'reserved') throw new Error('fixture: device not reserved');
  const list = await store.devices.findList(owner);
  const published = await store.devices.publish({
    accountId: owner,
    expectedVersion: list?.version ?? null,
    list: { version: (list?.version ?? 0) + 1, bytes: uniqueBytes(100) },
    change: { kind: 'add', device: { id: deviceId, accountId: owner, deviceKey, addedAt: now } },
    now,
  });
  if (published.kind !== 'published')
    throw new Error(`fixture: device not added (${published.kind})`);
  return { accountId: owner, deviceId };
}
