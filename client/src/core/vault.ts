// The device's sealed records for one account, over a StoragePort: every record is sealed by
// @kolokol/shared's key store under the storage key (sessions, the prekey store, the client's
// state and history) or under the passphrase (the account key), bound to the account's handle,
// with a generation one above the last this vault read or wrote, so a stale copy mixed in later
// is refused (REPLAY). Nothing the port holds is readable without the passphrase.
import { toBase64Url } from '@kolokol/shared';
import {
  fromUtf8,
  keyStoreHeader,
  openClientState,
  openKeyStore,
  sealKeyStore,
  openEnvelopePrekeyStore,
  openPrekeyStore,
  openSession,
  sealClientState,
  sealEnvelopePrekeyStore,
  sealPrekeyStore,
  sealSession,
  utf8,
  randomBytes,
  type EnvelopePrekeyStore,
  type PrekeyStore,
  type Session,
} from '@kolokol/shared/crypto';
import { KolokolError } from './errors.js';
import type { StoragePort } from './storage.js';

/**
 * The record names. A storage holds one account (the one logged in on this device profile), so
 * no name carries a handle; histories and sessions are named by random local ids kept in the
 * sealed state, so the names tell nothing of who talks to whom.
 */
export const RECORDS = {
  accountKey: 'account-key',
  /** The salt the storage key was derived with, sealed under the account key (device-secrets.ts). */
  salt: 'device-salt',
  prekeys: 'prekeys',
  envelopePrekeys: 'envelope-prekeys',
  state: 'state',
  history: (record: string) => `history/${record}`,
  session: (record: string) => `session/${record}`,
} as const;

/** A fresh random local record id (for a history or a session). */
export function newRecordId(): string {
  return toBase64Url(randomBytes(12));
}

export class Vault {
  readonly #generations = new Map<string, number>();
  #erased = false;
  #storageKey: Uint8Array;

  constructor(
    readonly storage: StoragePort,
    readonly handle: string,
    storageKey: Uint8Array,
  ) {
    this.#storageKey = storageKey;
  }

  private get storageKey(): Uint8Array {
    return this.#storageKey;
  }

  /**
   * Every record sealed under the storage key, opened and sealed again under `next` one
   * generation up (a passphrase change derives a new storage key): the puts to write together,
   * and `adopt` to call once they are written, after which this vault seals under `next`. Run
   * it where no other write interleaves (the client's serial queue). Records sealed under the
   * passphrase (the account key) are the caller's.
   */
  async resealUnder(
    next: Uint8Array,
  ): Promise<{ put: Map<string, Uint8Array>; adopt: () => void }> {
    const put = new Map<string, Uint8Array>();
    const generations = new Map<string, number>();
    for (const name of await this.storage.list('')) {
      const blob = await this.storage.get(name);
      if (blob === undefined) continue;
      const header = keyStoreHeader(blob);
      // The account key (under the passphrase) and the salt (under the account key) are the caller's.
      if (header.kind !== 'storage-key' || header.purpose === 'device-salt') continue;
      const binding = { purpose: header.purpose, account: this.handle };
      const { plaintext, generation } = openKeyStore(this.#storageKey, blob, {
        ...binding,
        minGeneration: this.#generations.get(name) ?? 0,
      });
      put.set(name, sealKeyStore(next, { ...binding, generation: generation + 1 }, plaintext));
      plaintext.fill(0);
      generations.set(name, generation + 1);
    }
    return {
      put,
      adopt: () => {
        this.#storageKey = next;
        for (const [name, generation] of generations) this.#generations.set(name, generation);
      },
    };
  }

  async loadState(record: string): Promise<unknown> {
    const opened = await this.#load(record, (blob, minGeneration) => {
      const { state, generation } = openClientState(this.storageKey, blob, {
        account: this.handle,
        minGeneration,
      });
      return { value: JSON.parse(fromUtf8(state)) as unknown, generation };
    });
    return opened;
  }

  loadPrekeys(): Promise<PrekeyStore | undefined> {
    return this.#load(RECORDS.prekeys, (blob, minGeneration) => {
      const { store, generation } = openPrekeyStore(this.storageKey, blob, {
        account: this.handle,
        minGeneration,
      });
      return { value: store, generation };
    });
  }

  loadEnvelopePrekeys(): Promise<EnvelopePrekeyStore | undefined> {
    return this.#load(RECORDS.envelopePrekeys, (blob, minGeneration) => {
      const { store, generation } = openEnvelopePrekeyStore(this.storageKey, blob, {
        account: this.handle,
        minGeneration,
      });
      return { value: store, generation };
    });
  }

  loadSession(record: string): Promise<Session | undefined> {
    return this.#load(RECORDS.session(record), (blob, minGeneration) => {
      const { session, generation } = openSession(this.storageKey, blob, {
        account: this.handle,
        minGeneration,
      });
      return { value: session, generation };
    });
  }

  /** Panic: from now on no batch is written (work still queued must not leave traces behind). */
  erase(): void {
    this.#erased = true;
  }

  get erased(): boolean {
    return this.#erased;
  }

  /** A batch of sealed writes, applied at once by `commit`. */
  batch(): VaultBatch {
    return new VaultBatch(this, (record) => this.#next(record), this.storageKey);
  }

  #next(record: string): number {
    const generation = (this.#generations.get(record) ?? 0) + 1;
    this.#generations.set(record, generation);
    return generation;
  }

  async #load<T>(
    record: string,
    open: (blob: Uint8Array, minGeneration: number) => { value: T; generation: number },
  ): Promise<T | undefined> {
    const blob = await this.storage.get(record);
    if (blob === undefined) return undefined;
    const { value, generation } = open(blob, this.#generations.get(record) ?? 0);
    this.#generations.set(record, generation);
    return value;
  }
}

export class VaultBatch {
  readonly #put = new Map<string, Uint8Array>();
  readonly #delete = new Set<string>();

  constructor(
    private readonly vault: Vault,
    private readonly nextGeneration: (record: string) => number,
    private readonly storageKey: Uint8Array,
  ) {}

  putState(record: string, value: unknown): this {
    const sealed = sealClientState(this.storageKey, utf8(JSON.stringify(value)), {
      account: this.vault.handle,
      generation: this.nextGeneration(record),
    });
    return this.#set(record, sealed);
  }

  putPrekeys(store: PrekeyStore): this {
    const sealed = sealPrekeyStore(this.storageKey, store, {
      account: this.vault.handle,
      generation: this.nextGeneration(RECORDS.prekeys),
    });
    return this.#set(RECORDS.prekeys, sealed);
  }

  putEnvelopePrekeys(store: EnvelopePrekeyStore): this {
    const sealed = sealEnvelopePrekeyStore(this.storageKey, store, {
      account: this.vault.handle,
      generation: this.nextGeneration(RECORDS.envelopePrekeys),
    });
    return this.#set(RECORDS.envelopePrekeys, sealed);
  }

  putSession(id: string, session: Session): this {
    const record = RECORDS.session(id);
    const sealed = sealSession(this.storageKey, session, {
      account: this.vault.handle,
      generation: this.nextGeneration(record),
    });
    return this.#set(record, sealed);
  }

  delete(record: string): this {
    this.#put.delete(record);
    this.#delete.add(record);
    return this;
  }

  async commit(): Promise<void> {
    if (this.vault.erased) throw new KolokolError('UNAUTHENTICATED', 'this device was erased');
    await this.vault.storage.write({ put: this.#put, delete: [...this.#delete] });
  }

  #set(record: string, sealed: Uint8Array): this {
    this.#delete.delete(record);
    this.#put.set(record, sealed);
    return this;
  }
}
