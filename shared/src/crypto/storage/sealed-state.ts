// A session's, a prekey store's or an envelope prekey store's serialization sealed in the key store (storage/key-store.ts)
// under the storage key, bound to the account and to its purpose, with a generation: the client
// records the highest generation it has written and refuses to open anything older, so a restored
// copy of an old state (which would accept replayed messages again, or revive consumed one-time
// prekeys, or bring back envelope prekey secrets that were deleted) is refused instead of silently
// loaded.
import { EnvelopePrekeyStore } from '../envelope/envelope-prekey-store.js';
import { PrekeyStore, type PrekeyStoreOptions } from '../handshake/prekeys-store.js';
import { Session } from '../ratchet/session.js';
import { openKeyStore, type KeyStoreExpectation } from './key-store.js';
import { openSerialization, sealSerialization } from './sealed-serialization.js';

/** Whose state and which version of it; the generation must exceed every one written before. */
export interface SealedStateBinding {
  /** The account's canonical handle. */
  readonly account: string;
  readonly generation: number;
}

/** What the opener expects: the account, and the highest generation it has recorded (0 for none). */
export type SealedStateExpectation = Omit<KeyStoreExpectation, 'purpose'>;

/** Seals `session.serialize()` as key-store purpose 'session'. */
export function sealSession(
  storageKey: Uint8Array,
  session: Session,
  binding: SealedStateBinding,
): Uint8Array {
  return sealSerialization(storageKey, { purpose: 'session', ...binding }, session.serialize());
}

/** Opens a sealed session; REPLAY for a generation below `expected.minGeneration` (see openKeyStore). */
export function openSession(
  storageKey: Uint8Array,
  blob: Uint8Array,
  expected: SealedStateExpectation,
): { session: Session; generation: number } {
  const { value: session, generation } = openSerialization(
    storageKey,
    blob,
    { purpose: 'session', ...expected },
    (plaintext) => Session.deserialize(plaintext),
  );
  return { session, generation };
}

/** Seals `store.serialize()` as key-store purpose 'prekeys'. */
export function sealPrekeyStore(
  storageKey: Uint8Array,
  store: PrekeyStore,
  binding: SealedStateBinding,
): Uint8Array {
  return sealSerialization(storageKey, { purpose: 'prekeys', ...binding }, store.serialize());
}

/** Opens a sealed prekey store; REPLAY for a generation below `expected.minGeneration`. */
export function openPrekeyStore(
  storageKey: Uint8Array,
  blob: Uint8Array,
  expected: SealedStateExpectation,
  options: PrekeyStoreOptions = {},
): { store: PrekeyStore; generation: number } {
  const { value: store, generation } = openSerialization(
    storageKey,
    blob,
    { purpose: 'prekeys', ...expected },
    (plaintext) => PrekeyStore.deserialize(plaintext, options),
  );
  return { store, generation };
}

/** Seals `store.serialize()` as key-store purpose 'envelope-prekeys'. */
export function sealEnvelopePrekeyStore(
  storageKey: Uint8Array,
  store: EnvelopePrekeyStore,
  binding: SealedStateBinding,
): Uint8Array {
  return sealSerialization(
    storageKey,
    { purpose: 'envelope-prekeys', ...binding },
    store.serialize(),
  );
}

/**
 * Opens a sealed envelope prekey store; REPLAY for a generation below `expected.minGeneration`:
 * an older blob would hold secrets that `prune` has since deleted.
 */
export function openEnvelopePrekeyStore(
  storageKey: Uint8Array,
  blob: Uint8Array,
  expected: SealedStateExpectation,
): { store: EnvelopePrekeyStore; generation: number } {
  const { value: store, generation } = openSerialization(
    storageKey,
    blob,
    { purpose: 'envelope-prekeys', ...expected },
    (plaintext) => EnvelopePrekeyStore.deserialize(plaintext),
  );
  return { store, generation };
}

/**
 * Seals a client's own state (its serialization, e.g. UTF-8 JSON) as key-store purpose
 * 'client-state': conversations, outbox and history are as secret as the keys. `state` is wiped.
 */
export function sealClientState(
  storageKey: Uint8Array,
  state: Uint8Array,
  binding: SealedStateBinding,
): Uint8Array {
  return sealSerialization(storageKey, { purpose: 'client-state', ...binding }, state);
}

/** Opens a sealed client state; REPLAY for a generation below `expected.minGeneration`. */
export function openClientState(
  storageKey: Uint8Array,
  blob: Uint8Array,
  expected: SealedStateExpectation,
): { state: Uint8Array; generation: number } {
  const { plaintext, generation } = openKeyStore(storageKey, blob, {
    purpose: 'client-state',
    ...expected,
  });
  return { state: plaintext, generation };
}
