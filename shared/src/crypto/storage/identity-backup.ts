// The identity backup: an account's random identity secrets sealed under the passphrase-derived
// storage key (storage/key-store.ts, purpose 'identity-backup'), kept by the server and returned
// only after a login signed with the passphrase-derived authentication key. The server sees
// ciphertext and the key-store header (purpose, generation) only.
import { concatBytes } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import { identityFromSecrets, type Identity } from '../identity/identity.js';
import { openSerialization, sealSerialization } from './sealed-serialization.js';
import {
  ED25519_SECRET_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
} from '../primitives/primitives.js';

const BACKUP_VERSION = 1;
const BACKUP_BYTES = 1 + ED25519_SECRET_KEY_BYTES + X25519_KEY_BYTES + ED25519_SIGNATURE_BYTES;

/** Which account a backup belongs to and which version of it this is. */
export interface IdentityBackupBinding {
  /** The account's canonical handle. */
  readonly account: string;
  /** Higher than every backup of this account sealed before (1 for the first, at registration). */
  readonly generation: number;
}

/** Seals the identity's secrets for `binding.account`, as key-store purpose 'identity-backup'. */
export function sealIdentityBackup(
  storageKey: Uint8Array,
  identity: Identity,
  binding: IdentityBackupBinding,
): Uint8Array {
  const plaintext = concatBytes(
    Uint8Array.of(BACKUP_VERSION),
    identity.signing.secretKey,
    identity.exchange.secretKey,
    identity.exchangeSignature,
  );
  return sealSerialization(storageKey, { purpose: 'identity-backup', ...binding }, plaintext);
}

/**
 * The identity in a backup and the backup's generation. WRONG_PASSPHRASE for another storage key
 * or account, REPLAY for a generation below `expected.minGeneration` (0 when none was recorded),
 * UNTRUSTED for another purpose, BAD_KEY when the stored Ed25519 public key is not the one its seed
 * gives, BAD_SIGNATURE when the exchange key is not signed by it, MALFORMED for anything else.
 */
export function openIdentityBackup(
  storageKey: Uint8Array,
  backup: Uint8Array,
  expected: { readonly account: string; readonly minGeneration: number },
): { identity: Identity; generation: number } {
  const { value: identity, generation } = openSerialization(
    storageKey,
    backup,
    { purpose: 'identity-backup', ...expected },
    identityFromBackup,
  );
  return { identity, generation };
}

function identityFromBackup(plaintext: Uint8Array): Identity {
  if (plaintext.length !== BACKUP_BYTES)
    throw new CryptoError('MALFORMED', 'not an identity backup');
  if (plaintext[0] !== BACKUP_VERSION)
    throw new CryptoError('UNSUPPORTED_VERSION', 'unknown identity backup version');
  let offset = 1;
  const take = (length: number) => plaintext.slice(offset, (offset += length));
  return identityFromSecrets(
    take(ED25519_SECRET_KEY_BYTES),
    take(X25519_KEY_BYTES),
    take(ED25519_SIGNATURE_BYTES),
  );
}
