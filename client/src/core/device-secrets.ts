// The two records that unlock this device, beside the sealed records they open: the account key
// sealed under the passphrase alone, and the salt the storage key was derived with, sealed under
// the account key (sealDeviceSalt, crypto.md §3.2). Keeping the salt lets a device whose
// passphrase was changed elsewhere rebuild its old storage key from the previous passphrase and
// seal everything again under the new one (docs/client.md, "Changing the passphrase").
import {
  deriveTwoSecretKeys,
  openAccountKey,
  openDeviceSalt,
  sealAccountKey,
  sealDeviceSalt,
  equalBytes,
  keyStoreHeader,
} from '@kolokol/shared/crypto';
import { KolokolError } from './errors.js';
import type { StoragePort } from './storage.js';
import { RECORDS, Vault } from './vault.js';

/** The account key this device holds, opened with the passphrase (WRONG_PASSPHRASE otherwise). */
export async function openStoredAccountKey(
  storage: StoragePort,
  handle: string,
  passphrase: string,
): Promise<{ accountKey: Uint8Array; generation: number }> {
  const sealed = await storage.get(RECORDS.accountKey);
  if (sealed === undefined) throw new KolokolError('NOT_FOUND', 'this device holds no account key');
  return openAccountKey(passphrase, sealed, { account: handle, minGeneration: 0 });
}

/** Seals the account key under the passphrase, one generation above the record it replaces. */
export async function sealedAccountKey(
  storage: StoragePort,
  handle: string,
  passphrase: string,
  accountKey: Uint8Array,
): Promise<Uint8Array> {
  const generation = await nextGeneration(storage, RECORDS.accountKey);
  return sealAccountKey(passphrase, accountKey, { account: handle, generation });
}

/** Seals the salt under the account key, one generation above the record it replaces. */
export async function sealedSalt(
  storage: StoragePort,
  handle: string,
  accountKey: Uint8Array,
  salt: Uint8Array,
): Promise<Uint8Array> {
  const generation = await nextGeneration(storage, RECORDS.salt);
  return sealDeviceSalt(accountKey, salt, { account: handle, generation });
}

/** Keeps `salt` as the device's salt unless it already is (a login with the same passphrase). */
export async function keepSalt(
  storage: StoragePort,
  handle: string,
  accountKey: Uint8Array,
  salt: Uint8Array,
): Promise<void> {
  const stored = await storage.get(RECORDS.salt);
  if (stored !== undefined) {
    try {
      const kept = openDeviceSalt(accountKey, stored, { account: handle, minGeneration: 0 });
      if (equalBytes(kept.salt, salt)) return;
    } catch {
      // Sealed under an account key rotated since: replaced below.
    }
  }
  const sealed = await sealedSalt(storage, handle, accountKey, salt);
  await storage.write({ put: new Map([[RECORDS.salt, sealed]]) });
}

/**
 * The storage key this device's records are sealed under, rebuilt from the previous passphrase
 * (the one in force when they were sealed), the account key it opens and the kept salt.
 * WRONG_PASSPHRASE for another passphrase; NOT_FOUND when the device kept no salt.
 */
export async function previousUnlock(
  storage: StoragePort,
  deployment: string,
  handle: string,
  previousPassphrase: string,
): Promise<{ storageKey: Uint8Array; accountKey: Uint8Array }> {
  const { accountKey } = await openStoredAccountKey(storage, handle, previousPassphrase);
  const sealed = await storage.get(RECORDS.salt);
  if (sealed === undefined) {
    throw new KolokolError('NOT_FOUND', 'this device kept no salt: erase it and link it again');
  }
  const { salt } = openDeviceSalt(accountKey, sealed, { account: handle, minGeneration: 0 });
  const { storageKey } = deriveTwoSecretKeys({
    deployment,
    handle,
    passphrase: previousPassphrase,
    accountKey,
    salt,
  });
  return { storageKey, accountKey };
}

/**
 * Every record sealed again: those under the storage key from `from` to `to`, the account key
 * under `passphrase`, the salt under `accountKey` — in one write. Returns `adopt`, for a live
 * vault to switch to `to` once the write is done (passphrase.ts), or writes at once when given
 * no vault (a login after a change made elsewhere).
 */
export async function prepareReseal(
  vault: Vault,
  to: { storageKey: Uint8Array; passphrase: string; accountKey: Uint8Array; salt: Uint8Array },
): Promise<{ put: Map<string, Uint8Array>; adopt: () => void }> {
  const { storage, handle } = vault;
  const resealed = await vault.resealUnder(to.storageKey);
  resealed.put.set(
    RECORDS.accountKey,
    await sealedAccountKey(storage, handle, to.passphrase, to.accountKey),
  );
  resealed.put.set(RECORDS.salt, await sealedSalt(storage, handle, to.accountKey, to.salt));
  return resealed;
}

/** Seals everything found under `from` again for a login made with new secrets. */
export async function resealDevice(
  storage: StoragePort,
  handle: string,
  from: Uint8Array,
  to: { storageKey: Uint8Array; passphrase: string; accountKey: Uint8Array; salt: Uint8Array },
): Promise<void> {
  const { put } = await prepareReseal(new Vault(storage, handle, from), to);
  await storage.write({ put });
}

async function nextGeneration(storage: StoragePort, record: string): Promise<number> {
  const stored = await storage.get(record);
  return stored === undefined ? 1 : keyStoreHeader(stored).generation + 1;
}
