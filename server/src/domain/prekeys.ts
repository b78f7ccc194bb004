// Prekeys: owners upload signed and one-time prekeys; peers fetch a bundle that consumes one
// one-time prekey atomically. Every signature is checked against the owner's registered
// identity key before anything is stored.
//
// One-time prekeys are budgeted per target across all callers (issue 6: 21 throwaway contacts,
// each within its per-pair and per-caller fetch budgets, took all 100 of a moderator's). Past the
// target's budget a fetch still succeeds, without a one-time prekey: PQXDH then runs on the
// signed X25519 and ML-KEM prekeys alone, which Signal's PQXDH specification allows and the
// client already handles when the pool is empty. Refusing instead would let the same throwaway
// accounts lock honest people out of reaching staff, which is worse than losing the one-time
// key's extra forward secrecy for the first message of a few sessions. The budget is charged
// only after the channel check, so callers that may not reach the target cannot spend it.
import {
  MAX_ONE_TIME_PREKEYS_STORED,
  ONE_TIME_PREKEYS_LOW_WATER,
  toBase64Url,
  type PrekeyBundleWire,
  type Role,
} from '@kolokol/shared';
import {
  isUsableX25519PublicKey,
  verifyKemPrekey,
  verifySignedPrekey,
} from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type { AccountRecord, Store, StoredPrekey } from '../store/ports.js';
import { mayOpenChannel } from './channel-policy.js';
import type { Clock } from './clock.js';
import { HourlyBudget } from './hourly-budget.js';
import type { Notifier } from './notifier.js';

interface Prekey {
  readonly id: number;
  readonly publicKey: Uint8Array;
}
interface SignedPrekey extends Prekey {
  readonly signature: Uint8Array;
}

const NO_SIGNATURE = new Uint8Array(0);

function wirePrekey(prekey: StoredPrekey) {
  return {
    id: prekey.id,
    publicKey: toBase64Url(prekey.publicKey),
    signature: toBase64Url(prekey.signature),
  };
}

export class PrekeyService {
  readonly #oneTimeBudget: HourlyBudget;

  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly notifier: Notifier;
      /** One-time prekeys handed out per target per hour, whoever asks (config). */
      readonly oneTimePrekeysPerTargetPerHour: number;
    },
  ) {
    this.#oneTimeBudget = new HourlyBudget(deps.oneTimePrekeysPerTargetPerHour, deps.clock);
  }

  async setSigned(accountId: string, signed: SignedPrekey, kem: SignedPrekey): Promise<void> {
    const owner = await this.#account(accountId);
    if (
      !isUsableX25519PublicKey(signed.publicKey) ||
      !verifySignedPrekey(owner.signingKey, signed)
    ) {
      throw new AppError(
        'BAD_REQUEST',
        'signedPrekey: not a valid key signed by your identity key',
      );
    }
    if (!verifyKemPrekey(owner.signingKey, kem)) {
      throw new AppError('BAD_REQUEST', 'kemPrekey: not signed by your identity key');
    }
    await this.deps.store.prekeys.setSignedPrekeys(accountId, {
      signed,
      kem,
      now: this.deps.clock.now(),
    });
  }

  async addOneTime(accountId: string, prekeys: readonly Prekey[]): Promise<number> {
    if (new Set(prekeys.map((p) => p.id)).size !== prekeys.length) {
      throw new AppError('BAD_REQUEST', 'prekeys: ids must be distinct');
    }
    if (!prekeys.every((p) => isUsableX25519PublicKey(p.publicKey))) {
      throw new AppError('BAD_REQUEST', 'prekeys: not a valid X25519 public key');
    }
    const stored = prekeys.map((p) => ({
      id: p.id,
      publicKey: p.publicKey,
      signature: NO_SIGNATURE,
    }));
    const outcome = await this.deps.store.prekeys.addOneTimePrekeys(
      accountId,
      stored,
      MAX_ONE_TIME_PREKEYS_STORED,
    );
    if (outcome === 'duplicate') throw new AppError('CONFLICT', 'prekeys: an id is already stored');
    if (outcome === 'too-many') {
      throw new AppError(
        'BAD_REQUEST',
        `prekeys: at most ${MAX_ONE_TIME_PREKEYS_STORED} may be stored`,
      );
    }
    return this.deps.store.prekeys.countOneTimePrekeys(accountId);
  }

  async status(
    accountId: string,
  ): Promise<{ oneTimeRemaining: number; signedPrekeyId: number | null }> {
    // takeBundle would consume a key; count and peek through the port's read-only calls instead.
    const oneTimeRemaining = await this.deps.store.prekeys.countOneTimePrekeys(accountId);
    const signed = await this.deps.store.prekeys.findSignedPrekeys(accountId);
    return { oneTimeRemaining, signedPrekeyId: signed?.signed.id ?? null };
  }

  /** The target's bundle for a caller allowed to open a channel with it; NOT_FOUND otherwise. */
  async fetchBundle(
    caller: { accountId: string; role: Role },
    targetId: string,
  ): Promise<PrekeyBundleWire> {
    const target = await this.deps.store.accounts.findById(targetId);
    // One answer for "no such account", "not allowed" and "no prekeys": no existence oracle.
    if (!target || !mayOpenChannel(caller, target))
      throw new AppError('NOT_FOUND', 'no bundle for that account');
    const mayTakeOneTime = this.#oneTimeBudget.tryTake(target.id);
    const bundle = await this.deps.store.prekeys.takeBundle(target.id, { oneTime: mayTakeOneTime });
    // Nothing was handed out (no bundle, or no one-time prekey left): nothing spent.
    if (mayTakeOneTime && !bundle?.oneTimePrekey) this.#oneTimeBudget.giveBack(target.id);
    if (!bundle) throw new AppError('NOT_FOUND', 'no bundle for that account');
    if (mayTakeOneTime && bundle.oneTimeRemaining < ONE_TIME_PREKEYS_LOW_WATER) {
      this.deps.notifier.prekeysLow(target.id, bundle.oneTimeRemaining);
    }
    return {
      accountId: target.id,
      identity: {
        signingKey: toBase64Url(target.signingKey),
        exchangeKey: toBase64Url(target.exchangeKey),
        exchangeSignature: toBase64Url(target.exchangeSignature),
      },
      signedPrekey: wirePrekey(bundle.signedPrekey),
      kemPrekey: wirePrekey(bundle.kemPrekey),
      ...(bundle.oneTimePrekey
        ? {
            oneTimePrekey: {
              id: bundle.oneTimePrekey.id,
              publicKey: toBase64Url(bundle.oneTimePrekey.publicKey),
            },
          }
        : {}),
    };
  }

  async #account(accountId: string): Promise<AccountRecord> {
    const account = await this.deps.store.accounts.findById(accountId);
    if (!account) throw new AppError('UNAUTHENTICATED', 'no such account');
    return account;
  }
}
