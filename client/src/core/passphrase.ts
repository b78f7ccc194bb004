// Changing the passphrase (and perhaps rotating the account key) from a logged-in device, in the
// one step the protocol has for it: `account.rekey` replaces the salt, the login key and the
// sealed identity backup together and ends every other session of the account (`keys.backup_put`
// alone could not: the login key is derived from the passphrase). On this device the account key
// is sealed again under the new passphrase and every record again under the new storage key —
// prepared before the rekey is sent and written in one storage write after it succeeded, so the
// device is never left with records the new passphrase cannot open. Other devices are signed out
// (`rekeyed`) and log in once with `previousPassphrase` beside the new one (device-secrets.ts).
import { challengeResultSchema, fromBase64Url } from '@kolokol/shared';
import { prepareRekey, recoveryKit, type RecoveryKit } from '@kolokol/shared/crypto';
import type { ServerOptions, Session } from './account.js';
import type { Connection } from './connection.js';
import { openStoredAccountKey, prepareReseal } from './device-secrets.js';
import { KolokolError } from './errors.js';
import { postPaying } from './rest.js';
import type { Serial } from './serial.js';
import type { Vault } from './vault.js';

export interface PassphraseChange {
  /** The passphrase in use now: proves the person knows it (WRONG_PASSPHRASE otherwise). */
  readonly current: string;
  /** The new one, checked for strength first (WeakPassphraseError; nothing sent or written). */
  readonly next: string;
  /** Also make a new account key: the old recovery kit stops working; show `kit` once. */
  readonly rotateAccountKey?: boolean;
}

export interface PassphraseChanged {
  /** Other sessions the rekey ended (their devices get `session.revoked` with `rekeyed`). */
  readonly revokedSessions: number;
  /** The new recovery kit, when the account key was rotated. */
  readonly kit?: RecoveryKit;
}

export interface PassphraseOwner {
  readonly server: ServerOptions;
  readonly session: Session;
  readonly vault: Vault;
  readonly connection: Connection;
  readonly serial: Serial;
}

/** Changes the passphrase (see the module comment); runs in the serial queue, alone. */
export function changePassphrase(
  owner: PassphraseOwner,
  change: PassphraseChange,
): Promise<PassphraseChanged> {
  const { server, session, vault, connection } = owner;
  return owner.serial.run(async () => {
    const stored = await openStoredAccountKey(vault.storage, session.handle, change.current);
    const issued = await postPaying(
      server.url,
      '/auth/challenge',
      { handle: session.handle },
      challengeResultSchema,
    );
    const prepared = await prepareRekey({
      deployment: server.deployment,
      challenge: { handle: session.handle, challengeId: issued.challengeId, nonce: issued.nonce },
      identity: session.identity,
      currentKeys: session.keys,
      backupGeneration: session.backupGeneration,
      passphrase: change.next,
      accountKey: change.rotateAccountKey === true ? 'rotate' : stored.accountKey,
    });
    const resealed = await prepareReseal(vault, {
      storageKey: prepared.keys.storageKey,
      passphrase: change.next,
      accountKey: prepared.accountKey,
      salt: saltOf(prepared.payload.salt),
    });
    const answer = await connection.call('account.rekey', prepared.payload);
    // Accepted: from here the server serves the new salt, so the device must follow at once.
    await vault.storage.write({ put: resealed.put });
    resealed.adopt();
    session.keys = prepared.keys;
    session.backupGeneration = prepared.backupGeneration;
    return {
      revokedSessions: answer.revokedSessions,
      ...(change.rotateAccountKey === true
        ? {
            kit: recoveryKit({
              deployment: server.deployment,
              handle: session.handle,
              accountKey: prepared.accountKey,
            }),
          }
        : {}),
    };
  });
}

/** The new salt as the rekey payload carries it (base64url, made by prepareRekey). */
function saltOf(text: string): Uint8Array {
  const salt = fromBase64Url(text);
  if (salt === undefined) throw new KolokolError('INTERNAL', 'the prepared salt is not base64url');
  return salt;
}
