// The vetting rules as one pure function from what is stored to the change a decision makes:
// standard takes effect on one moderator's statement; high only once two different moderators
// have signed it (the first one's statement waits as an endorsement); a moderator's second high
// statement never counts as the second; a lowered or withdrawn tier drops every endorsement.
import type { RiskTier } from '@kolokol/shared';
import { AppError } from '../../errors.js';
import type { HighEndorsement, VettingChange, VettingRecord } from '../../store/ports.js';

export interface VettingInput {
  readonly volunteerId: string;
  readonly current: VettingRecord | undefined;
  /** Pending high endorsements that still count (their signer's certificate is current). */
  readonly endorsements: readonly HighEndorsement[];
  /** Who decides: account, the certificate its statement was checked against. */
  readonly actor: {
    readonly accountId: string;
    readonly serial: string;
    readonly expiresAt: number;
  };
  /** Accounts that share the actor's identity key: never a second moderator to it. */
  readonly sameIdentityAs: (moderatorId: string) => boolean;
  /** The entry that records the decision, and when. */
  readonly seq: number;
  readonly at: number;
}

/** The change `vet` at `tier` makes; CONFLICT when it would change nothing. */
export function planVet(input: VettingInput, tier: RiskTier): VettingChange {
  const { volunteerId, current, actor, at } = input;
  if (current?.tier === tier) {
    throw new AppError('CONFLICT', `the volunteer is already vetted at ${tier}`);
  }
  if (tier === 'standard') {
    const vetting = { volunteerId, tier, since: at, decidedBy: [actor.accountId] };
    // Lowering from high withdraws the trust high needed, pending statements with it.
    return { volunteerId, vetting, clearEndorsements: current?.tier === 'high' };
  }
  const mine = (e: HighEndorsement) =>
    e.moderatorId === actor.accountId || input.sameIdentityAs(e.moderatorId);
  if (input.endorsements.some(mine)) {
    throw new AppError(
      'CONFLICT',
      'you have signed high for this volunteer already: a second, different moderator must',
    );
  }
  const first = input.endorsements[0];
  if (first !== undefined) {
    const decidedBy = [first.moderatorId, actor.accountId];
    return {
      volunteerId,
      vetting: { volunteerId, tier, since: at, decidedBy },
      clearEndorsements: true,
    };
  }
  return {
    volunteerId,
    endorse: {
      volunteerId,
      moderatorId: actor.accountId,
      seq: input.seq,
      certificateSerial: actor.serial,
      certificateExpiresAt: actor.expiresAt,
      endorsedAt: at,
    },
  };
}

/** The change `unvet` makes: no tier and no pending endorsement; CONFLICT when there is neither. */
export function planUnvet(
  input: Pick<VettingInput, 'volunteerId' | 'current'> & {
    readonly pendingEndorsements: number;
  },
): VettingChange {
  if (input.current === undefined && input.pendingEndorsements === 0) {
    throw new AppError('CONFLICT', 'the volunteer is not vetted');
  }
  return { volunteerId: input.volunteerId, vetting: null, clearEndorsements: true };
}
