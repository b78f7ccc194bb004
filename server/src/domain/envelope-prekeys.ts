// Envelope prekeys: volunteers, moderators and admins publish their newest identity-signed X-Wing
// prekey; contacts seal request details to moderators' prekeys (listed with the moderator
// directory, certificates.list) and moderators share them with a matched volunteer's prekey
// (envelope_prekeys.fetch). The server checks each upload against the account's registered
// identity key and its validity before storing, so junk never reaches a sender, and keeps only
// the newest per account. Clients verify again: the server is a mailbox here, not an authority.
import { toBase64Url, type EnvelopePrekeyWire, type Role } from '@kolokol/shared';
import { CryptoError, verifyEnvelopePrekey, type EnvelopePrekey } from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type { EnvelopePrekeyRecord, Store } from '../store/ports.js';
import { isStaff } from './channel-policy.js';
import type { Clock } from './clock.js';

/** Roles that publish envelope prekeys: those who may be given request details. Contacts only seal. */
export const ENVELOPE_PREKEY_ROLES: readonly Role[] = ['volunteer', 'moderator', 'admin'];

export function wireEnvelopePrekey(record: EnvelopePrekeyRecord): EnvelopePrekeyWire {
  return {
    id: record.id,
    publicKey: toBase64Url(record.publicKey),
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    signature: toBase64Url(record.signature),
  };
}

export class EnvelopePrekeyService {
  constructor(private readonly deps: { readonly store: Store; readonly clock: Clock }) {}

  /**
   * Stores the caller's prekey if it is signed by the caller's registered identity key, valid now
   * (not expired, not made more than 5 minutes ahead, validity ≤ 14 days) and newer than the one
   * stored. BAD_REQUEST for a prekey that does not verify, CONFLICT for one that is not newer.
   */
  async publish(caller: { readonly accountId: string }, prekey: EnvelopePrekey): Promise<void> {
    const owner = await this.deps.store.accounts.findById(caller.accountId);
    if (!owner) throw new AppError('UNAUTHENTICATED', 'no such account');
    try {
      verifyEnvelopePrekey(owner.signingKey, prekey, { now: this.deps.clock.now() });
    } catch (error) {
      if (error instanceof CryptoError) {
        throw new AppError('BAD_REQUEST', `prekey: not accepted: ${error.message}`);
      }
      throw error;
    }
    const outcome = await this.deps.store.envelopePrekeys.putEnvelopePrekey({
      accountId: owner.id,
      ...prekey,
    });
    if (outcome === 'stale') {
      throw new AppError('CONFLICT', 'prekey: a newer or equally new prekey is already published');
    }
  }

  /**
   * The target's current prekey for a moderator or admin sharing an envelope with it. NOT_FOUND
   * alike for no such account, a suspended one, the caller itself, none published and an expired
   * one, so it is no oracle beyond what the directory shows.
   */
  async fetch(
    caller: { readonly accountId: string; readonly role: Role },
    targetId: string,
  ): Promise<{ accountId: string; signingKey: string; prekey: EnvelopePrekeyWire }> {
    if (!isStaff(caller.role)) throw new AppError('FORBIDDEN', 'only staff share envelopes');
    const target = await this.deps.store.accounts.findById(targetId);
    const record =
      target && target.suspendedAt === null && target.id !== caller.accountId
        ? await this.deps.store.envelopePrekeys.findEnvelopePrekey(target.id)
        : undefined;
    if (!target || !record || record.expiresAt <= this.deps.clock.now()) {
      throw new AppError('NOT_FOUND', 'no envelope prekey for that account');
    }
    return {
      accountId: target.id,
      signingKey: toBase64Url(target.signingKey),
      prekey: wireEnvelopePrekey(record),
    };
  }
}
