// One peer account as this device sees it: the peer's identity (already trusted: a verified
// moderator certificate, a pinned contact), its verified device list, and one session per listed
// device. A message to the peer is encrypted once per device (`encrypt`, one envelope each: the
// `envelopes` of one `conversations.send`), and an envelope from the peer is accepted only from a
// device its list names.
// A newer list replaces the old one (never an older: REPLAY), and the sessions of devices it no
// longer names are wiped at once, so nothing more is ever encrypted to a removed device.
import { equalBytes } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import type { Identity, PublicIdentity } from '../identity/identity.js';
import {
  diffDeviceLists,
  findListedDevice,
  type DeviceListChange,
  type VerifiedDeviceList,
} from '../devices/device-list.js';
import type { PrekeyBundle } from '../handshake/prekeys.js';
import type { PrekeyStore } from '../handshake/prekeys-store.js';
import {
  acceptSession,
  initiateSession,
  isPrekeyMessage,
  parsePrekeyMessage,
  type Session,
} from '../ratchet/session.js';

/** One device's copy of a message: one of `conversations.send`'s `envelopes` (`device`, `body`). */
export interface DeviceEnvelope {
  readonly deviceId: string;
  readonly body: Uint8Array;
}

/** A message encrypted for every device of a peer that this device can reach. */
export interface FanOut {
  /**
   * The device list version the envelopes were made for: after a `DEVICE_LIST_CHANGED` refusal,
   * a newer list than this one is what the client fetches and encrypts for again.
   */
  readonly version: number;
  readonly envelopes: readonly DeviceEnvelope[];
  /** Listed devices with no session yet (no bundle fetched, or none served): fetch and retry. */
  readonly unreachable: readonly string[];
}

function sameIdentity(a: PublicIdentity, b: PublicIdentity): boolean {
  const signing = equalBytes(a.signingKey, b.signingKey);
  const exchange = equalBytes(a.exchangeKey, b.exchangeKey);
  return signing && exchange;
}

export class PeerDevices {
  #list: VerifiedDeviceList;
  readonly #sessions = new Map<string, Session>();

  /** `list` must be the peer's list verified against `identity` (UNTRUSTED otherwise). */
  constructor(
    readonly identity: PublicIdentity,
    list: VerifiedDeviceList,
  ) {
    if (!sameIdentity(list.identity, identity)) {
      throw new CryptoError('UNTRUSTED', 'the device list is not the peer’s');
    }
    this.#list = list;
  }

  get accountId(): string {
    return this.#list.accountId;
  }

  get list(): VerifiedDeviceList {
    return this.#list;
  }

  /**
   * Takes a newer list of the same peer and says what changed (show it: "a device was added").
   * Sessions with devices it no longer names, or names with another key, are wiped. An older
   * list is REPLAY, another account's UNTRUSTED; the same version changes nothing.
   */
  update(list: VerifiedDeviceList): DeviceListChange {
    if (!sameIdentity(list.identity, this.identity) || list.accountId !== this.accountId) {
      throw new CryptoError('UNTRUSTED', 'the device list is not the peer’s');
    }
    if (list.version < this.#list.version) {
      throw new CryptoError('REPLAY', 'device list older than the one held');
    }
    const change = diffDeviceLists(this.#list, list);
    for (const removed of change.removed) {
      this.#sessions.get(removed.deviceId)?.wipe();
      this.#sessions.delete(removed.deviceId);
    }
    this.#list = list;
    return change;
  }

  /** Listed devices without a session: the ones to fetch bundles for (`prekeys.fetch`). */
  devicesWithoutSession(): string[] {
    return this.#list.devices
      .map((device) => device.deviceId)
      .filter((deviceId) => !this.#sessions.has(deviceId));
  }

  /**
   * Starts a session with each device whose bundle is given and that has none yet; every
   * bundle is checked against the list and the peer's identity (`initiateSession`). Returns the
   * devices started.
   */
  startSessions(me: Identity, bundles: readonly PrekeyBundle[]): string[] {
    const started: string[] = [];
    for (const bundle of bundles) {
      const { deviceId } = bundle.device;
      if (this.#sessions.has(deviceId)) continue;
      this.#sessions.set(deviceId, initiateSession(me, bundle, this.identity, this.#list));
      started.push(deviceId);
    }
    return started;
  }

  /** One envelope per listed device that has a session; the others are named in `unreachable`. */
  encrypt(plaintext: Uint8Array, now: number): FanOut {
    const envelopes: DeviceEnvelope[] = [];
    const unreachable: string[] = [];
    for (const { deviceId } of this.#list.devices) {
      const session = this.#sessions.get(deviceId);
      if (session === undefined) unreachable.push(deviceId);
      else envelopes.push({ deviceId, body: session.encrypt(plaintext, now) });
    }
    return { version: this.#list.version, envelopes, unreachable };
  }

  /**
   * Decrypts an envelope from the peer's device `fromDevice` (the `fromDevice` of the server's
   * `conversations.message`). A device the list does not name is UNTRUSTED (fetch the newest
   * list, then retry). A prekey message with a new base key starts a new session with that device, from
   * the peer's identity only; anything else goes to the device's current session.
   */
  decrypt(
    me: Identity,
    prekeys: PrekeyStore,
    fromDevice: string,
    message: Uint8Array,
    now: number,
  ): Uint8Array {
    if (findListedDevice(this.#list, fromDevice) === undefined) {
      throw new CryptoError('UNTRUSTED', 'the sender’s device is not in its device list');
    }
    const current = this.#sessions.get(fromDevice);
    if (isPrekeyMessage(message)) {
      const { handshake } = parsePrekeyMessage(message);
      if (current === undefined || !equalBytes(current.baseKey, handshake.baseKey)) {
        const accepted = acceptSession(me, prekeys, message, now, {
          expectedInitiator: this.identity,
        });
        current?.wipe();
        this.#sessions.set(fromDevice, accepted.session);
        return accepted.plaintext;
      }
    }
    if (current === undefined)
      throw new CryptoError('DECRYPT_FAILED', 'no session with that device');
    return current.decrypt(message, now);
  }

  /**
   * Puts back a session opened from the key store (`openSession`) for one of the listed
   * devices, replacing (and wiping) the one held. UNTRUSTED for a device the list does not name
   * or a session with another identity.
   */
  restoreSession(deviceId: string, session: Session): void {
    if (findListedDevice(this.#list, deviceId) === undefined) {
      throw new CryptoError('UNTRUSTED', 'the device is not in the peer’s device list');
    }
    if (!sameIdentity(session.remoteIdentity, this.identity)) {
      throw new CryptoError('UNTRUSTED', 'the session is not with the peer');
    }
    const current = this.#sessions.get(deviceId);
    if (current !== session) current?.wipe();
    this.#sessions.set(deviceId, session);
  }

  /** The session with one of the peer's devices, e.g. to seal it in the key store. */
  session(deviceId: string): Session | undefined {
    return this.#sessions.get(deviceId);
  }

  /** Wipes every session (panic, or the peer is forgotten). */
  wipe(): void {
    for (const session of this.#sessions.values()) session.wipe();
    this.#sessions.clear();
  }
}
