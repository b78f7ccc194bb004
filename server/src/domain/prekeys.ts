// Prekeys: each device uploads its own signed prekeys and one-time prekeys (X25519 and
// ML-KEM-768), every signature checked against its device key — the one the account's
// identity-signed device list names — before anything is stored. Peers fetch the target's
// device list and one bundle per device, each consuming one one-time prekey of each kind of that
// device atomically.
//
// One-time prekeys are budgeted per target device across all callers (issue 6: 21 throwaway
// contacts, each within its per-pair and per-caller fetch budgets, took all 100 of a moderator's).
// Decision (issue 7): the budget is per device, not per account, because each device has its own
// pool and its own `prekeys.low` push: the budget exists so that a pool cannot be drained faster
// than its owner can refill it, and the cap on devices per account bounds what an account hands
// out in all. One unit covers a bundle's one-time X25519 and one-time KEM prekey together. Past
// the budget a fetch still succeeds, without one-time prekeys: PQXDH then runs on the signed
// X25519 and last-resort ML-KEM prekeys alone, which Signal's PQXDH specification allows.
// Refusing instead would let the same throwaway accounts lock honest people out of reaching
// staff, which is worse than losing the one-time keys' extra forward secrecy for the first
// message of a few sessions. The budget is charged only after the channel check, so callers
// that may not reach the target cannot spend it.
import {
  MAX_ONE_TIME_KEM_PREKEYS_STORED,
  MAX_ONE_TIME_PREKEYS_STORED,
  ONE_TIME_KEM_PREKEYS_LOW_WATER,
  ONE_TIME_PREKEYS_LOW_WATER,
  toBase64Url,
  type DeviceBundleWire,
  type PrekeyBundlesWire,
  type Role,
} from '@kolokol/shared';
import {
  isUsableX25519PublicKey,
  verifyKemPrekey,
  verifyOneTimeKemPrekey,
  verifySignedPrekey,
} from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type { AddPrekeysResult, DeviceRecord, Store, StoredPrekey } from '../store/ports.js';
import { mayOpenChannel } from './channel-policy.js';
import type { Clock } from './clock.js';
import { HOUR_MS, memoryBudgets, type Budget, type Budgets } from './budget.js';
import type { Notifier } from './notifier.js';

interface Prekey {
  readonly id: number;
  readonly publicKey: Uint8Array;
}
interface SignedPrekey extends Prekey {
  readonly signature: Uint8Array;
}

const NO_SIGNATURE = new Uint8Array(0);
const DEVICE_GONE = 'device invalid or removed';

function wirePrekey(prekey: StoredPrekey) {
  return {
    id: prekey.id,
    publicKey: toBase64Url(prekey.publicKey),
    signature: toBase64Url(prekey.signature),
  };
}

function checkAdded(outcome: AddPrekeysResult, max: number): void {
  if (outcome === 'no-device') throw new AppError('UNAUTHENTICATED', DEVICE_GONE);
  if (outcome === 'duplicate') throw new AppError('CONFLICT', 'prekeys: an id is already stored');
  if (outcome === 'too-many') {
    throw new AppError('BAD_REQUEST', `prekeys: at most ${max} may be stored`);
  }
}

export class PrekeyService {
  readonly #oneTimeBudget: Budget;

  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly notifier: Notifier;
      /** Bundles with one-time prekeys handed out per target device per hour, whoever asks (config). */
      readonly oneTimePrekeysPerTargetPerHour: number;
      /** Shared budgets (several processes); unset: in this process's memory. */
      readonly budgets?: Budgets | undefined;
    },
  ) {
    this.#oneTimeBudget = (deps.budgets ?? memoryBudgets(deps.clock))({
      name: 'one-time-prekeys',
      perWindow: deps.oneTimePrekeysPerTargetPerHour,
      windowMs: HOUR_MS,
    });
  }

  async setSigned(deviceId: string, signed: SignedPrekey, kem: SignedPrekey): Promise<void> {
    const device = await this.#device(deviceId);
    if (
      !isUsableX25519PublicKey(signed.publicKey) ||
      !verifySignedPrekey(device.deviceKey, signed)
    ) {
      throw new AppError('BAD_REQUEST', 'signedPrekey: not a valid key signed by your device key');
    }
    if (!verifyKemPrekey(device.deviceKey, kem)) {
      throw new AppError('BAD_REQUEST', 'kemPrekey: not signed by your device key');
    }
    const outcome = await this.deps.store.prekeys.setSignedPrekeys(deviceId, {
      signed,
      kem,
      now: this.deps.clock.now(),
    });
    if (outcome === 'no-device') throw new AppError('UNAUTHENTICATED', DEVICE_GONE);
  }

  async addOneTime(deviceId: string, prekeys: readonly Prekey[]): Promise<number> {
    if (new Set(prekeys.map((p) => p.id)).size !== prekeys.length) {
      throw new AppError('BAD_REQUEST', 'prekeys: ids must be distinct');
    }
    if (!prekeys.every((p) => isUsableX25519PublicKey(p.publicKey))) {
      throw new AppError('BAD_REQUEST', 'prekeys: not a valid X25519 public key');
    }
    const stored = prekeys.map((p) => ({
      id: p.id,
      publicKey: p.publicKey,
      signature: NO_SIGNATURE,
    }));
    checkAdded(
      await this.deps.store.prekeys.addOneTimePrekeys(
        deviceId,
        stored,
        MAX_ONE_TIME_PREKEYS_STORED,
      ),
      MAX_ONE_TIME_PREKEYS_STORED,
    );
    return this.deps.store.prekeys.countOneTimePrekeys(deviceId);
  }

  async addOneTimeKem(deviceId: string, prekeys: readonly SignedPrekey[]): Promise<number> {
    if (new Set(prekeys.map((p) => p.id)).size !== prekeys.length) {
      throw new AppError('BAD_REQUEST', 'prekeys: ids must be distinct');
    }
    const device = await this.#device(deviceId);
    if (!prekeys.every((p) => verifyOneTimeKemPrekey(device.deviceKey, p))) {
      throw new AppError(
        'BAD_REQUEST',
        'prekeys: not a one-time KEM prekey signed by your device key',
      );
    }
    checkAdded(
      await this.deps.store.prekeys.addOneTimeKemPrekeys(
        deviceId,
        prekeys,
        MAX_ONE_TIME_KEM_PREKEYS_STORED,
      ),
      MAX_ONE_TIME_KEM_PREKEYS_STORED,
    );
    return this.deps.store.prekeys.countOneTimeKemPrekeys(deviceId);
  }

  async status(deviceId: string): Promise<{
    oneTimeRemaining: number;
    oneTimeKemRemaining: number;
    signedPrekeyId: number | null;
  }> {
    // takeBundle would consume keys; count and peek through the port's read-only calls instead.
    const oneTimeRemaining = await this.deps.store.prekeys.countOneTimePrekeys(deviceId);
    const oneTimeKemRemaining = await this.deps.store.prekeys.countOneTimeKemPrekeys(deviceId);
    const signed = await this.deps.store.prekeys.findSignedPrekeys(deviceId);
    return { oneTimeRemaining, oneTimeKemRemaining, signedPrekeyId: signed?.signed.id ?? null };
  }

  /**
   * The target's device list and a bundle for each of its devices that has signed prekeys (or
   * for `deviceId` alone), for a caller allowed to open a channel with it; NOT_FOUND otherwise.
   */
  async fetchBundles(
    caller: { accountId: string; role: Role },
    targetId: string,
    deviceId: string | undefined,
  ): Promise<PrekeyBundlesWire> {
    const target = await this.deps.store.accounts.findById(targetId);
    // One answer for "no such account", "not allowed", "no devices" and "no prekeys": no oracle.
    const notFound = () => new AppError('NOT_FOUND', 'no bundle for that account');
    if (!target || !(await mayOpenChannel(this.deps.store, caller, target))) throw notFound();
    const list = await this.deps.store.devices.findList(target.id);
    const devices = (await this.deps.store.devices.listDevices(target.id)).filter(
      (device) => deviceId === undefined || device.id === deviceId,
    );
    if (list === undefined || devices.length === 0) throw notFound();
    const bundles: DeviceBundleWire[] = [];
    for (const device of devices) {
      const bundle = await this.#takeBundle(device);
      if (bundle !== undefined) bundles.push(bundle);
    }
    if (bundles.length === 0) throw notFound();
    return {
      accountId: target.id,
      identity: {
        signingKey: toBase64Url(target.signingKey),
        exchangeKey: toBase64Url(target.exchangeKey),
        exchangeSignature: toBase64Url(target.exchangeSignature),
      },
      deviceList: toBase64Url(list.bytes),
      bundles,
    };
  }

  async #takeBundle(device: DeviceRecord): Promise<DeviceBundleWire | undefined> {
    const mayTakeOneTime = await this.#oneTimeBudget.tryTake(device.id);
    const bundle = await this.deps.store.prekeys.takeBundle(device.id, { oneTime: mayTakeOneTime });
    // Nothing was handed out (no bundle, or no one-time prekey of either kind left): nothing spent.
    if (mayTakeOneTime && !bundle?.oneTimePrekey && !bundle?.oneTimeKemPrekey) {
      await this.#oneTimeBudget.giveBack(device.id);
    }
    if (!bundle) return undefined;
    if (
      mayTakeOneTime &&
      (bundle.oneTimeRemaining < ONE_TIME_PREKEYS_LOW_WATER ||
        bundle.oneTimeKemRemaining < ONE_TIME_KEM_PREKEYS_LOW_WATER)
    ) {
      this.deps.notifier.prekeysLow(device.id, {
        oneTimeRemaining: bundle.oneTimeRemaining,
        oneTimeKemRemaining: bundle.oneTimeKemRemaining,
      });
    }
    return {
      deviceId: device.id,
      deviceKey: toBase64Url(device.deviceKey),
      signedPrekey: wirePrekey(bundle.signedPrekey),
      kemPrekey: wirePrekey(bundle.kemPrekey),
      ...(bundle.oneTimeKemPrekey ? { oneTimeKemPrekey: wirePrekey(bundle.oneTimeKemPrekey) } : {}),
      ...(bundle.oneTimePrekey
        ? {
            oneTimePrekey: {
              id: bundle.oneTimePrekey.id,
              publicKey: toBase64Url(bundle.oneTimePrekey.publicKey),
            },
          }
        : {}),
    };
  }

  /** The caller's own device; a removed one (its sockets are being ended) is refused. */
  async #device(deviceId: string): Promise<DeviceRecord> {
    const device = await this.deps.store.devices.findDevice(deviceId);
    if (!device) throw new AppError('UNAUTHENTICATED', DEVICE_GONE);
    return device;
  }
}
