// The peers this device talks to: each one's identity, pinned the first time it is seen (trust
// on first use; compare safety numbers to confirm it), its verified device list, and a Double
// Ratchet session per device (PQXDH on first contact) from @kolokol/shared's PeerDevices. A
// changed identity is refused, never silently accepted; sessions are kept sealed in the vault.
import { fromBase64Url, toBase64Url, type EventOutput } from '@kolokol/shared';
import {
  CryptoError,
  PeerDevices,
  comparePinnedIdentity,
  isPrekeyMessage,
  verifyDeviceList,
  type Identity,
  type PrekeyBundle,
  type PrekeyStore,
  type PublicIdentity,
} from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import { KolokolError } from './errors.js';
import type { ClientState, PinnedPeer } from './state.js';
import { RECORDS, newRecordId, type Vault, type VaultBatch } from './vault.js';

function bytes(text: string): Uint8Array {
  const decoded = fromBase64Url(text);
  if (decoded === undefined) throw new CryptoError('MALFORMED', 'stored key is not base64url');
  return decoded;
}

export function pinnedIdentity(pin: PinnedPeer): PublicIdentity {
  return {
    signingKey: bytes(pin.signingKey),
    exchangeKey: bytes(pin.exchangeKey),
    exchangeSignature: bytes(pin.exchangeSignature),
  };
}

function bundlesOf(fetched: EventOutput<'prekeys.fetch'>): PrekeyBundle[] {
  return fetched.bundles.map(
    ({ deviceId, deviceKey, oneTimePrekey, oneTimeKemPrekey, ...rest }): PrekeyBundle => ({
      identity: fetched.identity,
      device: { deviceId, deviceKey },
      ...rest,
      ...(oneTimePrekey ? { oneTimePrekey } : {}),
      ...(oneTimeKemPrekey ? { oneTimeKemPrekey } : {}),
    }),
  );
}

export class Peers {
  readonly #loaded = new Map<string, PeerDevices>();
  /** Peers whose sessions changed since the last `persist`. */
  readonly #dirty = new Set<string>();
  /** Whether a first message consumed one-time prekeys since the last `persist`. */
  #prekeysChanged = false;

  constructor(
    private readonly connection: Connection,
    private readonly vault: Vault,
    private readonly state: ClientState,
    private readonly me: Identity,
    private readonly prekeys: PrekeyStore,
  ) {}

  /** The peer's pinned identity, if this device has seen it. */
  identity(accountId: string): PublicIdentity | undefined {
    const pin = this.state.peers[accountId];
    return pin === undefined ? undefined : pinnedIdentity(pin);
  }

  /** The peer with a session to every device on its list: what sending needs. */
  async reachable(accountId: string): Promise<PeerDevices> {
    const peer = await this.#known(accountId, true);
    const missing = peer.devicesWithoutSession();
    for (const deviceId of missing) {
      const fetched = await this.connection.call('prekeys.fetch', { accountId, deviceId });
      this.#accept(peer, fetched);
      peer.startSessions(this.me, bundlesOf(fetched));
    }
    if (missing.length > 0) this.#dirty.add(accountId);
    return peer;
  }

  /**
   * The peer's newest device list and bundles for its new devices, after the server said the
   * list changed (DEVICE_LIST_CHANGED) or a device we do not know wrote to us.
   */
  async refresh(accountId: string, withBundles: boolean): Promise<PeerDevices> {
    const peer = await this.#known(accountId, withBundles);
    if (withBundles) {
      const fetched = await this.connection.call('prekeys.fetch', { accountId });
      this.#accept(peer, fetched);
      peer.startSessions(this.me, bundlesOf(fetched));
    } else {
      const listed = await this.connection.call('devices.list', { accountId });
      if (listed.list !== null) {
        const identity = peer.identity;
        peer.update(verifyDeviceList(listed.list, { accountId, identity }));
        this.#pin(accountId, identity, listed.list);
      }
    }
    this.#dirty.add(accountId);
    return peer;
  }

  /** Decrypts an envelope from `fromDevice` of `accountId`; a device not yet listed gets one list refresh. */
  async decrypt(
    accountId: string,
    fromDevice: string,
    body: Uint8Array,
    now: number,
  ): Promise<Uint8Array> {
    let peer = await this.#known(accountId, false);
    this.#dirty.add(accountId);
    if (isPrekeyMessage(body)) this.#prekeysChanged = true;
    try {
      return peer.decrypt(this.me, this.prekeys, fromDevice, body, now);
    } catch (error) {
      if (!(error instanceof CryptoError && error.reason === 'UNTRUSTED')) throw error;
      peer = await this.refresh(accountId, false);
      return peer.decrypt(this.me, this.prekeys, fromDevice, body, now);
    }
  }

  markChanged(accountId: string): void {
    this.#dirty.add(accountId);
  }

  /**
   * Seals the sessions of every changed peer into `batch` (and drops those of removed devices),
   * and the prekey store when a first message used its one-time prekeys.
   */
  persist(batch: VaultBatch): Promise<void> {
    if (this.#prekeysChanged) batch.putPrekeys(this.prekeys);
    this.#prekeysChanged = false;
    for (const accountId of this.#dirty) {
      const peer = this.#loaded.get(accountId);
      if (peer === undefined) continue;
      const pin = this.state.peers[accountId];
      if (pin === undefined) continue;
      const listed = new Set(peer.list.devices.map((device) => device.deviceId));
      for (const deviceId of listed) {
        const session = peer.session(deviceId);
        if (session === undefined) continue;
        const record = (pin.sessions[deviceId] ??= newRecordId());
        batch.putSession(record, session);
      }
      for (const [deviceId, record] of Object.entries(pin.sessions)) {
        if (listed.has(deviceId)) continue;
        batch.delete(RECORDS.session(record));
        delete pin.sessions[deviceId];
      }
    }
    this.#dirty.clear();
    return Promise.resolve();
  }

  /** Wipes every session held in memory (logout). */
  wipe(): void {
    for (const peer of this.#loaded.values()) peer.wipe();
    this.#loaded.clear();
  }

  /**
   * The peer as this device knows it: from memory, from the vault (pinned identity, list,
   * sessions), or — first contact — from `prekeys.fetch`, whose identity is pinned then.
   */
  async #known(accountId: string, startSessions: boolean): Promise<PeerDevices> {
    const held = this.#loaded.get(accountId);
    if (held !== undefined) return held;
    const pin = this.state.peers[accountId];
    if (pin !== undefined) {
      const identity = pinnedIdentity(pin);
      const peer = new PeerDevices(
        identity,
        verifyDeviceList(bytes(pin.deviceList), { accountId, identity }),
      );
      for (const { deviceId } of peer.list.devices) {
        const record = pin.sessions[deviceId];
        const session = record === undefined ? undefined : await this.vault.loadSession(record);
        if (session !== undefined) peer.restoreSession(deviceId, session);
      }
      this.#loaded.set(accountId, peer);
      return peer;
    }
    const fetched = await this.connection.call('prekeys.fetch', { accountId });
    comparePinnedIdentity(undefined, fetched.identity); // checks its self-signature
    const peer = new PeerDevices(
      fetched.identity,
      verifyDeviceList(fetched.deviceList, { accountId, identity: fetched.identity }),
    );
    this.#pin(accountId, fetched.identity, fetched.deviceList);
    if (startSessions) peer.startSessions(this.me, bundlesOf(fetched));
    this.#loaded.set(accountId, peer);
    this.#dirty.add(accountId);
    return peer;
  }

  /** Takes a fetched list for a known peer: its identity must be the pinned one. */
  #accept(peer: PeerDevices, fetched: EventOutput<'prekeys.fetch'>): void {
    if (comparePinnedIdentity(peer.identity, fetched.identity) !== 'same') {
      throw new KolokolError('CONFLICT', 'the peer’s identity changed: compare safety numbers');
    }
    const list = verifyDeviceList(fetched.deviceList, {
      accountId: peer.accountId,
      identity: peer.identity,
      minVersion: peer.list.version,
    });
    peer.update(list);
    this.#pin(peer.accountId, peer.identity, fetched.deviceList);
  }

  #pin(accountId: string, identity: PublicIdentity, deviceList: Uint8Array): void {
    this.state.peers[accountId] = {
      sessions: this.state.peers[accountId]?.sessions ?? {},
      signingKey: toBase64Url(identity.signingKey),
      exchangeKey: toBase64Url(identity.exchangeKey),
      exchangeSignature: toBase64Url(identity.exchangeSignature),
      deviceList: toBase64Url(deviceList),
    };
  }
}
