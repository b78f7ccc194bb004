// Devices: each account has a few, each with its own device key, prekeys and envelopes, named by
// an identity-signed device list (docs/crypto.md, "Devices"). The server keeps the newest list
// and the devices it names; it refuses a list that does not verify against the account's
// identity, whose version does not go up, or that changes anything but the one device added or
// removed. Only a holder of the identity (opened from the backup, which needs the passphrase)
// can sign one, so a device is added by someone who could log in, and removed by any device of
// the account or after a login with the recovery kit. A removed device's sessions, prekeys and
// envelopes end in the same write; sockets of those sessions get `session.revoked` at once.
import { toBase64Url, type DevicesChanged, type Role } from '@kolokol/shared';
import {
  CryptoError,
  equalBytes,
  sodium,
  verifyDeviceList,
  verifyDeviceSession,
  type DeviceEntry,
  type PublicIdentity,
  type VerifiedDeviceList,
} from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type {
  AccountRecord,
  DeviceChange,
  DeviceListRecord,
  SessionRecord,
  Store,
} from '../store/ports.js';
import { mayOpenChannel } from './channel-policy.js';
import type { Clock } from './clock.js';
import { MAX_PENDING_DEVICES_PER_ACCOUNT, PENDING_DEVICE_TTL_MS } from './device-limits.js';
import type { Notifier } from './notifier.js';
import type { RevocationFeed } from './revocations.js';
import { newId } from './secrets.js';

interface Caller {
  readonly accountId: string;
  readonly role: Role;
  readonly deviceId: string | null;
}

const NO_DEVICE = 'device invalid or removed';

function identityOf(account: AccountRecord): PublicIdentity {
  return {
    signingKey: account.signingKey,
    exchangeKey: account.exchangeKey,
    exchangeSignature: account.exchangeSignature,
  };
}

function sameDevice(a: DeviceEntry, b: DeviceEntry): boolean {
  return a.deviceId === b.deviceId && equalBytes(a.deviceKey, b.deviceKey);
}

/** The entries of `larger` not in `smaller`, when `smaller` is wholly inside `larger`; else undefined. */
function extraDevices(
  larger: readonly DeviceEntry[],
  smaller: readonly DeviceEntry[],
): DeviceEntry[] | undefined {
  if (!smaller.every((d) => larger.some((e) => sameDevice(d, e)))) return undefined;
  return larger.filter((e) => !smaller.some((d) => sameDevice(d, e)));
}

export class DeviceService {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly notifier: Notifier;
      readonly revocations: RevocationFeed;
      /** KOLOKOL_MAX_DEVICES_PER_ACCOUNT. */
      readonly maxDevicesPerAccount: number;
    },
  ) {}

  /** A new device's id, for the device key it made; the session must not be a device's yet. */
  async reserve(
    caller: Caller,
    deviceKey: Uint8Array,
  ): Promise<{ deviceId: string; expiresAt: number }> {
    if (caller.deviceId !== null) {
      throw new AppError('FORBIDDEN', 'this socket is a device already; reserve from a new login');
    }
    if (!sodium.crypto_core_ed25519_is_valid_point(deviceKey)) {
      throw new AppError('BAD_REQUEST', 'deviceKey: not an Ed25519 public key');
    }
    const now = this.deps.clock.now();
    const pending = {
      id: newId(),
      accountId: caller.accountId,
      deviceKey,
      expiresAt: now + PENDING_DEVICE_TTL_MS,
    };
    const outcome = await this.deps.store.devices.reserve(
      pending,
      MAX_PENDING_DEVICES_PER_ACCOUNT,
      now,
    );
    if (outcome === 'too-many') {
      throw new AppError('RATE_LIMITED', 'too many devices waiting to be added; try later');
    }
    return { deviceId: pending.id, expiresAt: pending.expiresAt };
  }

  /** Publishes `bytes`: the current list plus one reserved device. */
  async add(caller: Caller, bytes: Uint8Array): Promise<{ version: number }> {
    const { account, current, next } = await this.#verifyNext(caller.accountId, bytes);
    const added = extraDevices(next.devices, current?.list.devices ?? []);
    if (added?.length !== 1 || next.devices.length !== (current?.list.devices.length ?? 0) + 1) {
      throw new AppError('BAD_REQUEST', 'list: must be the current list plus one device');
    }
    if (next.devices.length > this.deps.maxDevicesPerAccount) {
      throw new AppError(
        'FORBIDDEN',
        `the account has its maximum of ${this.deps.maxDevicesPerAccount} devices; remove one first`,
      );
    }
    const [device] = added as [DeviceEntry];
    const now = this.deps.clock.now();
    const pending = await this.deps.store.devices.findPending(account.id, device.deviceId, now);
    if (pending === undefined) {
      throw new AppError('NOT_FOUND', 'no such reserved device (expired?); reserve again');
    }
    if (!equalBytes(pending.deviceKey, device.deviceKey)) {
      throw new AppError('BAD_REQUEST', 'list: the device key is not the one reserved');
    }
    return this.#publish(account.id, current, next, {
      kind: 'add',
      device: {
        id: device.deviceId,
        accountId: account.id,
        deviceKey: device.deviceKey,
        addedAt: now,
      },
    });
  }

  /** Publishes `bytes`: the current list less `deviceId`. Its sessions, prekeys and envelopes end. */
  async remove(caller: Caller, deviceId: string, bytes: Uint8Array): Promise<{ version: number }> {
    const { account, current, next } = await this.#verifyNext(caller.accountId, bytes);
    if (current === undefined || !current.list.devices.some((d) => d.deviceId === deviceId)) {
      throw new AppError('NOT_FOUND', 'no such device');
    }
    const removed = extraDevices(current.list.devices, next.devices);
    if (removed?.length !== 1 || removed[0]?.deviceId !== deviceId) {
      throw new AppError('BAD_REQUEST', 'list: must be the current list without that device');
    }
    return this.#publish(account.id, current, next, { kind: 'remove', deviceId });
  }

  /** The caller's list, or another account's across a channel (NOT_FOUND otherwise). */
  async list(
    caller: Caller,
    accountId: string | undefined,
  ): Promise<{ accountId: string; list: string | null }> {
    const targetId = accountId ?? caller.accountId;
    if (targetId !== caller.accountId) {
      const target = await this.deps.store.accounts.findById(targetId);
      if (!target || !(await mayOpenChannel(this.deps.store, caller, target)))
        throw new AppError('NOT_FOUND', 'no such account');
    }
    const stored = await this.deps.store.devices.findList(targetId);
    return { accountId: targetId, list: stored === undefined ? null : toBase64Url(stored.bytes) };
  }

  /**
   * The device a socket acts as: the one it names, if the account's list names it and the
   * signature by its device key over this session's token verifies, and the session is bound
   * to no other device (it is bound to this one from now on). A session bound to a device must
   * name it. Null for a session that names none and is bound to none (a device not added yet).
   */
  async deviceForSocket(
    account: AccountRecord,
    session: SessionRecord,
    claimed: { readonly id: string; readonly signature: Uint8Array } | undefined,
  ): Promise<string | null> {
    if (claimed === undefined) {
      if (session.deviceId !== null)
        throw new AppError('UNAUTHENTICATED', 'this session belongs to a device; name it');
      return null;
    }
    const device = await this.deps.store.devices.findDevice(claimed.id);
    if (
      device?.accountId !== account.id ||
      (session.deviceId !== null && session.deviceId !== claimed.id) ||
      !verifyDeviceSession(
        device.deviceKey,
        { deviceId: claimed.id, tokenHash: session.tokenHash },
        claimed.signature,
      ) ||
      !(await this.deps.store.sessions.bindDevice(session.id, claimed.id))
    ) {
      throw new AppError('UNAUTHENTICATED', NO_DEVICE);
    }
    return claimed.id;
  }

  async #verifyNext(accountId: string, bytes: Uint8Array) {
    const account = await this.deps.store.accounts.findById(accountId);
    if (!account) throw new AppError('UNAUTHENTICATED', 'no such account');
    const identity = identityOf(account);
    const stored = await this.deps.store.devices.findList(accountId);
    let next: VerifiedDeviceList;
    try {
      next = verifyDeviceList(bytes, { accountId, identity });
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      throw new AppError(
        'BAD_REQUEST',
        error.reason === 'UNTRUSTED'
          ? 'list: not signed by your identity for this account'
          : 'list: not a well-formed device list',
      );
    }
    // The stored list verified when it was published; reading it again checks the store too.
    const current =
      stored === undefined
        ? undefined
        : { record: stored, list: verifyDeviceList(stored.bytes, { accountId, identity }) };
    if (current !== undefined && next.version <= current.list.version) {
      throw new AppError(
        'CONFLICT',
        `list: version must be above the current one (${current.list.version})`,
      );
    }
    return { account, current, next };
  }

  async #publish(
    accountId: string,
    current: { record: DeviceListRecord; list: VerifiedDeviceList } | undefined,
    next: VerifiedDeviceList,
    change: DeviceChange,
  ): Promise<{ version: number }> {
    const outcome = await this.deps.store.devices.publish({
      accountId,
      expectedVersion: current?.record.version ?? null,
      list: { version: next.version, bytes: next.bytes },
      change,
      now: this.deps.clock.now(),
    });
    if (outcome.kind === 'conflict')
      throw new AppError('CONFLICT', 'the device list changed meanwhile');
    if (outcome.kind === 'gone') throw new AppError('NOT_FOUND', 'no such device');
    this.deps.revocations.publish({
      sessionIds: outcome.revokedSessionIds,
      reason: 'device_removed',
    });
    const changed: DevicesChanged = { accountId, version: next.version };
    this.deps.notifier.devicesChanged(changed);
    return { version: next.version };
  }
}
