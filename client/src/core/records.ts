// The conversation records a device keeps — the client state (conversations, high waters, the
// outbox, pinned peers), each conversation's history — and the one write that stores them
// together with every ratchet session that changed, so what the app was shown, the high water
// that says so and the ratchet state that decrypted it never disagree on the device.
import { CLIENT_LIMITS } from './limits.js';
import type { Peers } from './peers.js';
import { historySchema, type ClientState, type LocalMessage } from './state.js';
import { RECORDS, type Vault, type VaultBatch } from './vault.js';

export class ConversationRecords {
  readonly #histories = new Map<string, LocalMessage[]>();

  constructor(
    readonly vault: Vault,
    readonly state: ClientState,
    readonly peers: Peers,
  ) {}

  /** A conversation's history as held in memory (loaded from the vault the first time), to change in place. */
  async history(id: string): Promise<LocalMessage[]> {
    let history = this.#histories.get(id);
    if (history === undefined) {
      const record = this.state.conversations[id]?.record;
      const stored =
        record === undefined ? undefined : await this.vault.loadState(RECORDS.history(record));
      history = stored === undefined ? [] : historySchema.parse(stored);
      this.#histories.set(id, history);
    }
    return history;
  }

  /** Seals a conversation's history into `batch`, its oldest messages dropped past the limit. */
  putHistory(batch: VaultBatch, id: string): void {
    const history = this.#histories.get(id) ?? [];
    if (history.length > CLIENT_LIMITS.historyMessages) {
      history.splice(0, history.length - CLIENT_LIMITS.historyMessages);
    }
    const record = this.state.conversations[id]?.record;
    if (record !== undefined) batch.putState(RECORDS.history(record), history);
  }

  /** Writes `batch` with the client state and every changed session (and prekeys), at once. */
  async commit(batch: VaultBatch = this.vault.batch()): Promise<void> {
    await this.peers.persist(batch);
    batch.putState(RECORDS.state, this.state);
    await batch.commit();
  }

  /** Writes one conversation's history with everything `commit` writes. */
  commitHistory(id: string): Promise<void> {
    const batch = this.vault.batch();
    this.putHistory(batch, id);
    return this.commit(batch);
  }
}
