// The offer port: one offer per volunteer account — what matching needs in the clear, and an
// optional note sealed to the moderators (opaque bytes).
import type { OfferSkill, RegionCode } from '@kolokol/shared';

export interface OfferRecord {
  /** The volunteer's account; one offer each. */
  readonly accountId: string;
  readonly skills: readonly OfferSkill[];
  /** ISO 639-1 codes. */
  readonly languages: readonly string[];
  readonly regions: readonly RegionCode[];
  readonly utcOffsetMinutes: number;
  /** 21 bytes: the hours of the week (UTC) the volunteer can usually answer. */
  readonly availability: Uint8Array;
  /** Active cases at most. */
  readonly capacity: number;
  readonly paused: boolean;
  /** A sealed envelope to the moderators, or null. */
  readonly note: Uint8Array | null;
  readonly updatedAt: number;
}

export interface OfferStore {
  /**
   * Stores the account's offer, replacing an earlier one whole (its note too): 'created' or
   * 'replaced'. The caller checked the account is a volunteer.
   */
  putOffer(offer: OfferRecord): Promise<'created' | 'replaced'>;
  findOffer(accountId: string): Promise<OfferRecord | undefined>;
  /** The offers of these accounts (those that have one). */
  findOffers(accountIds: readonly string[]): Promise<OfferRecord[]>;
  /** Sets `paused` (and `updatedAt`) on the account's offer: the offer after, or undefined if none. */
  setOfferPaused(accountId: string, paused: boolean, at: number): Promise<OfferRecord | undefined>;
}
