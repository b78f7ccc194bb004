// Volunteers' offers: each volunteer keeps one, replaced whole or paused; moderators and admins
// read a volunteer's (vetting, the queue). Contacts never see one: no event lets them, and this
// service refuses them too, so a new handler cannot leak offers by forgetting the role list.
import {
  MAX_OFFER_NOTE_BYTES,
  toBase64Url,
  type Offer,
  type OfferResult,
  type Role,
} from '@kolokol/shared';
import { AppError } from '../errors.js';
import type { OfferRecord, Store } from '../store/ports.js';
import { isStaff } from './channel-policy.js';
import type { Clock } from './clock.js';
import { checkSealedEnvelope } from './sealed-shape.js';

interface Caller {
  readonly accountId: string;
  readonly role: Role;
}

export function toOfferResult(record: OfferRecord): OfferResult {
  return {
    accountId: record.accountId,
    skills: [...record.skills],
    languages: [...record.languages],
    regions: [...record.regions],
    utcOffsetMinutes: record.utcOffsetMinutes,
    availability: toBase64Url(record.availability),
    capacity: record.capacity,
    paused: record.paused,
    note: record.note === null ? null : toBase64Url(record.note),
    updatedAt: record.updatedAt,
  };
}

function volunteerOnly(caller: Caller): void {
  if (caller.role !== 'volunteer') throw new AppError('FORBIDDEN', 'only volunteers have offers');
}

export class OfferService {
  constructor(private readonly deps: { readonly store: Store; readonly clock: Clock }) {}

  /** Replaces the volunteer's offer with `offer` (a missing note means none). */
  async put(caller: Caller, offer: Offer): Promise<{ updatedAt: number }> {
    volunteerOnly(caller);
    if (offer.note !== undefined) checkSealedEnvelope(offer.note, MAX_OFFER_NOTE_BYTES, 'note');
    const updatedAt = this.deps.clock.now();
    await this.deps.store.offers.putOffer({
      accountId: caller.accountId,
      skills: offer.skills,
      languages: offer.languages,
      regions: offer.regions,
      utcOffsetMinutes: offer.utcOffsetMinutes,
      availability: offer.availability,
      capacity: offer.capacity,
      paused: offer.paused,
      note: offer.note ?? null,
      updatedAt,
    });
    return { updatedAt };
  }

  /**
   * A volunteer's own offer (another's is FORBIDDEN), or for moderators and admins the offer of
   * `accountId`; null when there is none. Contacts: FORBIDDEN.
   */
  async get(caller: Caller, accountId: string | undefined): Promise<OfferResult | null> {
    if (!isStaff(caller.role)) {
      volunteerOnly(caller);
      if (accountId !== undefined && accountId !== caller.accountId) {
        throw new AppError('FORBIDDEN', 'a volunteer reads only their own offer');
      }
    }
    const record = await this.deps.store.offers.findOffer(accountId ?? caller.accountId);
    return record === undefined ? null : toOfferResult(record);
  }

  /** Pauses or resumes the volunteer's offer; NOT_FOUND before the first `offers.put`. */
  async setPaused(
    caller: Caller,
    paused: boolean,
  ): Promise<{ paused: boolean; updatedAt: number }> {
    volunteerOnly(caller);
    const record = await this.deps.store.offers.setOfferPaused(
      caller.accountId,
      paused,
      this.deps.clock.now(),
    );
    if (record === undefined) throw new AppError('NOT_FOUND', 'no offer yet: put one first');
    return { paused: record.paused, updatedAt: record.updatedAt };
  }
}
