// The vetting port: each volunteer's current vetting tier and the pending high-tier statements
// waiting for a second moderator. Written only through audited decisions (AuditStore.append with
// a 'vetting' effect); read by vetting itself, by matching and by requests.
import type { RiskTier, VettingTier } from '@kolokol/shared';

export interface VettingRecord {
  readonly volunteerId: string;
  readonly tier: RiskTier;
  /** When this tier took effect (ms). */
  readonly since: number;
  /** The moderators whose statements made it: one for standard, two different ones for high. */
  readonly decidedBy: readonly string[];
}

/** A moderator's `high` statement for a volunteer, waiting for a second, different moderator's. */
export interface HighEndorsement {
  readonly volunteerId: string;
  readonly moderatorId: string;
  /** The audit entry that records the statement. */
  readonly seq: number;
  /** The certificate the statement was verified against: it no longer counts once revoked or expired. */
  readonly certificateSerial: string;
  readonly certificateExpiresAt: number;
  readonly endorsedAt: number;
}

/** A change of one volunteer's vetting, applied with the audit entry of the decision. */
export interface VettingChange {
  readonly volunteerId: string;
  /** The new current vetting; null withdraws it; undefined leaves it as it is. */
  readonly vetting?: VettingRecord | null;
  /** Drop the volunteer's pending high endorsements (applied before `endorse`). */
  readonly clearEndorsements?: boolean;
  /** Record a pending high endorsement (replacing the same moderator's, if any). */
  readonly endorse?: HighEndorsement;
}

export interface VettingStore {
  /** The volunteer's vetting record as decided, whether or not the account is suspended. */
  find(volunteerId: string): Promise<VettingRecord | undefined>;
  /** Pending high endorsements of the volunteer, oldest first. */
  endorsements(volunteerId: string): Promise<HighEndorsement[]>;
  /**
   * The tier matching may rely on: the recorded tier, or 'none' when there is none or the account
   * is suspended — so nothing that reads this port can match a suspended volunteer.
   */
  tierOf(accountId: string): Promise<VettingTier>;
  /** tierOf for many accounts at once (missing ids are 'none'). */
  tiersOf(accountIds: readonly string[]): Promise<Map<string, VettingTier>>;
  /** Every vetted account that is not suspended, with its tier, by account id. */
  listVetted(): Promise<{ readonly accountId: string; readonly tier: RiskTier }[]>;
  /**
   * Every record and every pending endorsement, suspended accounts included: for `audit-verify`,
   * which checks them against what the log's decisions make them.
   */
  everything(): Promise<{
    readonly vetting: VettingRecord[];
    readonly endorsements: HighEndorsement[];
  }>;
}
