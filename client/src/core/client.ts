// The client core's front door: register or log in, and get a KolokolClient that holds the
// connection, this device's keys and state (sealed in the vault), and the conversations. Any
// client — the web UI, a test, a bot bridge — drives Kolokol through it; it touches no DOM.
import {
  type ClientEventName,
  type EventInput,
  type EventOutput,
  type SessionRevoked,
} from '@kolokol/shared';
import {
  publicIdentity,
  type EnvelopePrekeyStore,
  type PrekeyStore,
  type PublicIdentity,
  type RecoveryKit,
  type SafetyNumber,
  type TrustConfiguration,
} from '@kolokol/shared/crypto';
import {
  endSessions,
  loginAccount,
  registerAccount,
  renewSession,
  storedRecoveryKit,
  type LoginInput,
  type RegisterInput,
  type ServerOptions,
  type Session,
} from './account.js';
import { Connection, type ConnectionCredentials } from './connection.js';
import { Conversations } from './conversations.js';
import { DecisionSigner } from './decisions.js';
import { linkDevice, supplyPrekeys } from './device.js';
import { Devices } from './devices.js';
import {
  loadEnvelopePrekeys,
  receivesEnvelopes,
  supplyEnvelopePrekeys,
} from './envelope-prekeys.js';
import { Matches } from './matches.js';
import { Moderation } from './moderation.js';
import { Moderators } from './moderators.js';
import { Offers } from './offers.js';
import { changePassphrase, type PassphraseChange, type PassphraseChanged } from './passphrase.js';
import { Reports } from './reports.js';
import { Requests } from './requests.js';
import { SafetyNumbers } from './safety.js';
import { Suspensions } from './suspensions.js';
import { Updates } from './updates.js';
import { Vetting } from './vetting.js';
import { KolokolError } from './errors.js';
import { CLIENT_LIMITS } from './limits.js';
import { Emitter } from './observable.js';
import { Peers } from './peers.js';
import { ConversationRecords } from './records.js';
import { Serial } from './serial.js';
import { clientStateSchema, type ClientState } from './state.js';
import type { StoragePort } from './storage.js';
import { RECORDS, Vault } from './vault.js';

export interface ClientOptions extends ServerOptions {
  /** Where this device keeps its sealed records (MemoryStorage in Node; IndexedDB in a browser). */
  readonly storage: StoragePort;
  /**
   * The root key, deployment and revocation floor the build pins: needed to seal anything to the
   * moderators (request details, an offer's note). Without it those calls are BAD_REQUEST.
   */
  readonly trust?: TrustConfiguration;
}

/** Why the client signed out by itself: the server's `session.revoked` reason or the refusal's code. */
export type SignedOutReason = SessionRevoked['reason'] | KolokolError['code'];

/** Revocations after which logging in again silently is right: the session merely ran out. */
const RENEWABLE: readonly string[] = ['expired'];

export class KolokolClient {
  /** The app must ask the person to log in again (logged out elsewhere, rekeyed, suspended, …). */
  readonly signedOut = new Emitter<SignedOutReason>();
  readonly connection: Connection;
  /** Pushed changes the app shows as state (requests, matches, queue, reports, devices, vetting). */
  readonly updates: Updates;
  #conversations: Conversations | undefined;
  #peers: Peers | undefined;
  #prekeys: PrekeyStore | undefined;
  #envelopePrekeys: EnvelopePrekeyStore | undefined;
  readonly #moderators: Moderators;
  readonly #signer: DecisionSigner;
  #ending = false;
  #renewedWithoutConnecting = false;
  readonly #serial = new Serial();

  private constructor(
    private readonly options: ClientOptions,
    private readonly session: Session,
    private readonly vault: Vault,
  ) {
    this.connection = new Connection(options.url, {
      credentials: () => this.#credentials(),
      ended: (error, revoked) => this.#ended(error, revoked),
    });
    this.connection.connected.on(() => {
      this.#renewedWithoutConnecting = false;
    });
    this.#moderators = new Moderators(this.connection, options.trust);
    this.#signer = new DecisionSigner(this.connection, session.identity, session.accountId);
    this.updates = new Updates(this.connection);
  }

  /**
   * Registers an account (paying proof of work if asked), keeps its account key sealed on this
   * device, logs in and sets this device up. Show `kit` (words and QR) to the person once.
   */
  static async register(
    options: ClientOptions,
    input: RegisterInput,
  ): Promise<{ client: KolokolClient; accountKey: Uint8Array; kit: RecoveryKit }> {
    const { session, accountKey, kit } = await registerAccount(options, options.storage, input);
    return { client: await KolokolClient.#start(options, session), accountKey, kit };
  }

  /**
   * Logs in with handle and passphrase (and, on a new device, the account key from the recovery
   * kit: the device is then added to the account), connects and catches up.
   */
  static async login(options: ClientOptions, input: LoginInput): Promise<KolokolClient> {
    const session = await loginAccount(options, options.storage, input);
    return KolokolClient.#start(options, session);
  }

  get accountId(): string {
    return this.session.accountId;
  }

  get handle(): string {
    return this.session.handle;
  }

  get role(): Session['role'] {
    return this.session.role;
  }

  get deviceId(): string {
    return this.#prekeys!.device.deviceId;
  }

  /** This account's public identity (what peers pin and safety numbers are made of). */
  get identity(): PublicIdentity {
    return publicIdentity(this.session.identity);
  }

  get conversations(): Conversations {
    return this.#conversations!;
  }

  /** A contact's requests: details sealed to the verified moderators (needs `options.trust`). */
  get requests(): Requests {
    return new Requests(this.connection, this.#moderators, this.session.identity);
  }

  /** A volunteer's offer: its note sealed to the verified moderators (needs `options.trust`). */
  get offers(): Offers {
    return new Offers(this.connection, this.#moderators, this.session.identity, this.accountId);
  }

  /** Matches; a volunteer's approved ones come with their details opened on this device. */
  get matches(): Matches {
    return new Matches(this.connection, this.#envelopePrekeys);
  }

  /**
   * Abuse reports: making one (the note sealed to the verified moderators, needs
   * `options.trust`); for staff, listing the open ones with their notes opened, and dismissing.
   */
  get reports(): Reports {
    return new Reports(
      this.connection,
      this.#moderators,
      this.session.identity,
      this.accountId,
      this.#signer,
      this.#envelopePrekeys,
    );
  }

  /** The account's devices: the verified list, and removing one (signed here by the identity). */
  get devices(): Devices {
    return new Devices(this.connection, this.session);
  }

  /**
   * Moderators' and admins' decisions, each a statement signed here by the certified identity
   * (the certificate must be published: `certificates.publish`).
   */
  get moderation(): Moderation {
    return new Moderation(
      this.connection,
      this.#signer,
      this.#moderators,
      this.session.identity,
      this.#envelopePrekeys,
      (peer) => this.#peers?.identity(peer),
      this.vetting,
      this.options.trust,
    );
  }

  /** Vetting: staff vet and unvet (signed here); a volunteer reads its own status. */
  get vetting(): Vetting {
    return new Vetting(this.connection, this.#signer, this.updates.vetting);
  }

  /** Staff: suspending and reinstating accounts, each a statement signed here. */
  get suspensions(): Suspensions {
    return new Suspensions(this.connection, this.#signer);
  }

  /** Safety numbers with peers: digits, the QR code's text, and comparing what was scanned. */
  get safety(): SafetyNumbers {
    return new SafetyNumbers(this.session.identity, (peer) => this.#peers?.identity(peer));
  }

  /** Any protocol event, typed by @kolokol/shared; refusals throw KolokolError (see Connection.call). */
  call<E extends ClientEventName>(event: E, payload: EventInput<E>): Promise<EventOutput<E>> {
    return this.connection.call(event, payload);
  }

  /**
   * The safety number with a peer this device has talked to (its identity pinned at first
   * contact): compare it with the peer, aloud or by QR. Undefined before first contact.
   */
  safetyNumber(peer: string): SafetyNumber | undefined {
    return this.#peers?.identity(peer) === undefined ? undefined : this.safety.of(peer);
  }

  /**
   * The recovery kit (words and QR payload) of the account key this device holds, opened with the
   * passphrase (CryptoError WRONG_PASSPHRASE otherwise): to show it again.
   */
  recoveryKit(passphrase: string): Promise<RecoveryKit> {
    return storedRecoveryKit(this.options, this.options.storage, this.handle, passphrase);
  }

  /**
   * The link code for adding a device: this account key's recovery payload (show `payload` as a
   * QR code) and its 12 words (to type), opened with the passphrase. The new device passes
   * either as `link` to `KolokolClient.login` with the passphrase (link.ts).
   */
  linkCode(passphrase: string): Promise<RecoveryKit> {
    return this.recoveryKit(passphrase);
  }

  /**
   * Changes the passphrase (and with `rotateAccountKey` the account key: show the new `kit`) by
   * `account.rekey`; this device's records are sealed again under it, other sessions end.
   */
  changePassphrase(change: PassphraseChange): Promise<PassphraseChanged> {
    return changePassphrase(
      {
        server: this.options,
        session: this.session,
        vault: this.vault,
        connection: this.connection,
        serial: this.#serial,
      },
      change,
    );
  }

  /** Ends this session on the server and here; the device keeps its sealed records for next time. */
  async logout(): Promise<void> {
    await this.#end(false);
  }

  /** "Log out everywhere": ends every session of the account (every device's socket is told). */
  async logoutEverywhere(): Promise<number> {
    return this.#end(true);
  }

  /**
   * Panic: erases everything of the account on this device at once and signs out. No further
   * write reaches the storage (work still queued is dropped), the connection closes, the ratchet
   * sessions held in memory are wiped, and `storage.clear()` erases every record. The logout is
   * sent to the server best effort and never waited for: a dead network must not delay the
   * erasure (the session then ends when it expires). The browser UI also erases IndexedDB,
   * caches and the service worker.
   */
  async panic(): Promise<void> {
    this.vault.erase();
    void endSessions(this.options, this.session, false).catch(() => undefined);
    this.#signOutLocally();
    await this.options.storage.clear();
  }

  /** Disconnects without ending the session (the app is closing). Sealed state stays on the device. */
  close(): void {
    this.#ending = true;
    this.#conversations?.stop();
    this.connection.close();
  }

  static async #start(options: ClientOptions, session: Session): Promise<KolokolClient> {
    const vault = new Vault(options.storage, session.handle, session.keys.storageKey);
    const client = new KolokolClient(options, session, vault);
    try {
      await client.#setUp();
    } catch (error) {
      client.close();
      throw error;
    }
    return client;
  }

  async #setUp(): Promise<void> {
    this.#prekeys = await this.vault.loadPrekeys();
    if (this.#prekeys === undefined) {
      // A new device: a socket that names no device adds it to the account first.
      await this.#connect();
      this.#prekeys = await linkDevice(this.connection, this.vault, this.session);
      this.connection.close();
    }
    this.#ending = false;
    await this.#connect();
    const prekeys = this.#prekeys;
    const state = await this.#loadState(prekeys.device.deviceId);
    this.#peers = new Peers(this.connection, this.vault, state, this.session.identity, prekeys);
    const records = new ConversationRecords(this.vault, state, this.#peers);
    const conversations = new Conversations(this.connection, records, this.#serial);
    this.#conversations = conversations;
    if (receivesEnvelopes(this.session.role)) {
      this.#envelopePrekeys = await loadEnvelopePrekeys(this.vault);
    }
    const envelopePrekeys = this.#envelopePrekeys;
    const supply = () =>
      this.#serial.run(async () => {
        await supplyPrekeys(this.connection, this.vault, prekeys);
        if (envelopePrekeys !== undefined) {
          await supplyEnvelopePrekeys(
            this.connection,
            this.vault,
            envelopePrekeys,
            this.session.identity,
          );
        }
      });
    await supply();
    this.connection.onPush('prekeys.low', () => void supply().catch(() => undefined));
    // On every reconnect: the signed prekey may be due, and messages may have been missed.
    this.connection.connected.on(() => {
      void supply()
        .then(() => conversations.catchUp())
        .catch(() => undefined);
    });
    await conversations.catchUp();
  }

  async #loadState(deviceId: string): Promise<ClientState> {
    const stored = await this.vault.loadState(RECORDS.state);
    if (stored === undefined) {
      return {
        version: 1,
        accountId: this.session.accountId,
        deviceId,
        peers: {},
        conversations: {},
        outbox: [],
      };
    }
    const state = clientStateSchema.parse(stored);
    if (state.accountId !== this.session.accountId || state.deviceId !== deviceId) {
      throw new KolokolError('CONFLICT', 'the stored state belongs to another account or device');
    }
    return state;
  }

  /** Opens the connection and waits for it, or for its refusal, within the call timeout. */
  async #connect(): Promise<void> {
    this.connection.open();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new KolokolError('UNAVAILABLE', 'could not connect in time'));
      }, CLIENT_LIMITS.callTimeoutMs);
      const connected = this.connection.connected.on(() => {
        stop();
        resolve();
      });
      const failed = this.connection.failures.on((error) => {
        stop();
        reject(error);
      });
      const stop = () => {
        clearTimeout(timer);
        connected();
        failed();
      };
    });
  }

  #credentials(): ConnectionCredentials {
    const prekeys = this.#prekeys;
    return prekeys === undefined
      ? { token: this.session.token }
      : {
          token: this.session.token,
          device: {
            id: prekeys.device.deviceId,
            signSession: (token) => prekeys.signSession(token),
          },
        };
  }

  /** The server ended the session or refused the handshake: renew an expired session once. */
  async #ended(error: KolokolError, revoked?: SessionRevoked['reason']): Promise<boolean> {
    if (this.#ending) return false;
    const expired =
      revoked === undefined ? error.code === 'UNAUTHENTICATED' : RENEWABLE.includes(revoked);
    if (expired && !this.#renewedWithoutConnecting) {
      this.#renewedWithoutConnecting = true;
      await renewSession(this.options, this.session);
      return true;
    }
    this.#signOutLocally();
    this.signedOut.emit(revoked ?? error.code);
    return false;
  }

  async #end(everywhere: boolean): Promise<number> {
    this.#ending = true;
    try {
      return await endSessions(this.options, this.session, everywhere);
    } finally {
      this.#signOutLocally();
    }
  }

  #signOutLocally(): void {
    this.#ending = true;
    this.#conversations?.stop();
    this.connection.close();
    this.#peers?.wipe();
  }
}
