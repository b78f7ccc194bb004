// What the matching engine reads: plain views of a waiting request, a volunteer's offer and the
// history between contacts and volunteers. Whoever calls the engine maps stored rows to these;
// the engine never sees a store, a socket or a ciphertext.
import type { RegionCode, RiskTier, SkillCode } from '@kolokol/shared';

/** A request's urgency, least urgent first (the spelling of the requests' wire schema). */
export const MATCH_URGENCIES = ['low', 'normal', 'high', 'critical'] as const;
export type MatchUrgency = (typeof MATCH_URGENCIES)[number];

/** A request waiting for a volunteer: only what matching needs, never its sealed details. */
export interface MatchRequest {
  readonly id: string;
  /** The contact who asked: a decline, block or rejection between two people bars the pair. */
  readonly contactId: string;
  /** 1–3 needed skills. The risk tier required is derived from them (requiredRiskTier). */
  readonly skills: readonly SkillCode[];
  readonly urgency: MatchUrgency;
  /** ISO 639-1 codes the contact can use (1–5). */
  readonly languages: readonly string[];
  readonly region: RegionCode;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

export type SkillLevel = 1 | 2 | 3;

export interface OfferedSkill {
  readonly code: SkillCode;
  readonly level: SkillLevel;
}

/** A volunteer's tier as the vetting store reports it, or none: never matched then. */
export type VettingTier = RiskTier | 'none';

/** One volunteer's offer with what matching needs besides it: vetting and current load. */
export interface MatchOffer {
  readonly volunteerId: string;
  readonly skills: readonly OfferedSkill[];
  readonly languages: readonly string[];
  readonly regions: readonly RegionCode[];
  /** The volunteer's own UTC offset; used only when `availability` names no hour. */
  readonly utcOffsetMinutes: number;
  /**
   * 21 bytes, 168 bits: hour h of the week (Monday 00:00 UTC = 0) is bit h mod 8, least
   * significant first, of byte ⌊h / 8⌋ — the offers' wire format.
   */
  readonly availability: Uint8Array;
  /** Active cases the volunteer takes at most (1–20). */
  readonly capacity: number;
  /** Requests in `approved` or `active` with this volunteer (plus, if the caller wishes, pending proposals). */
  readonly activeLoad: number;
  readonly paused: boolean;
  readonly vetting: VettingTier;
}

/** Why two people must never be matched again. */
export const BAR_REASONS = ['declined', 'blocked', 'rejected'] as const;
export type BarReason = (typeof BAR_REASONS)[number];

/**
 * The history the engine must respect. A decline (by either side), a block or a moderator's
 * rejection bars the contact and the volunteer from each other for every request of that
 * contact; a proposal already made bars that request and volunteer only.
 */
export interface PairHistory {
  readonly barred: readonly {
    readonly contactId: string;
    readonly volunteerId: string;
    readonly reason: BarReason;
  }[];
  readonly proposed: readonly { readonly requestId: string; readonly volunteerId: string }[];
}

export const EMPTY_HISTORY: PairHistory = { barred: [], proposed: [] };
