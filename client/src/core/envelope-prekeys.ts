// Envelope prekeys for accounts that receive sealed envelopes (volunteers, moderators, admins):
// request details shared with them are sealed to these. The store is sealed in the vault; a new
// prekey is made when the current one is due (weekly), sealed, then published; expired secrets
// are pruned, so envelopes sealed to them no longer open on this device (forward secrecy).
import { toEnvelopePrekeyWire, type Role } from '@kolokol/shared';
import { EnvelopePrekeyStore, type Identity } from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import type { Vault } from './vault.js';

/** Contacts only send sealed envelopes; every other role receives them. */
export function receivesEnvelopes(role: Role): boolean {
  return role !== 'contact';
}

/** The device's envelope prekey store from the vault, or a new empty one. */
export async function loadEnvelopePrekeys(vault: Vault): Promise<EnvelopePrekeyStore> {
  return (await vault.loadEnvelopePrekeys()) ?? new EnvelopePrekeyStore();
}

/** Rotates and publishes when due; prunes expired secrets. Sealed before it is published. */
export async function supplyEnvelopePrekeys(
  connection: Connection,
  vault: Vault,
  store: EnvelopePrekeyStore,
  identity: Identity,
): Promise<void> {
  const now = Date.now();
  const pruned = store.prune(now);
  if (!store.needsRotation(now)) {
    if (pruned > 0) await vault.batch().putEnvelopePrekeys(store).commit();
    return;
  }
  const prekey = store.rotate(identity, now);
  await vault.batch().putEnvelopePrekeys(store).commit();
  await connection.call('envelope_prekeys.publish', {
    prekey: toEnvelopePrekeyWire(prekey),
  });
}
