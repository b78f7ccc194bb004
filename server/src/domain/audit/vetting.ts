// Vetting volunteers by signed moderator statements (`volunteers.vet`, `volunteers.unvet`) and
// reading where a volunteer stands (`vetting.status`). Each decision is checked (decisions.ts),
// planned by the rules (vetting-rules.ts) and appended to the audit log with its change.
import type { VettingStatus } from '@kolokol/shared';
import { equalBytes } from '@kolokol/shared/crypto';
import { AppError } from '../../errors.js';
import type { AccountRecord, AuditEntryRecord, HighEndorsement, Store } from '../../store/ports.js';
import { isStaff } from '../channel-policy.js';
import type { Caller, Decisions } from './decisions.js';
import { planUnvet, planVet } from './vetting-rules.js';

export interface VettingDecisionResult {
  readonly status: VettingStatus;
  readonly entry: AuditEntryRecord;
}

export class VettingService {
  constructor(private readonly deps: { readonly store: Store; readonly decisions: Decisions }) {}

  /** `volunteers.vet`: a signed vet statement; high waits for a second, different moderator. */
  async vet(caller: Caller, bytes: Uint8Array): Promise<VettingDecisionResult> {
    const decision = await this.deps.decisions.verify(caller, bytes, 'vet');
    const { subject, tier } = decision.statement;
    if (subject === undefined || tier === undefined) throw new Error('vet: rule not enforced');
    const volunteer = await this.#volunteer(subject);
    if (volunteer.suspendedAt !== null) {
      throw new AppError('CONFLICT', 'the volunteer is suspended: reinstate first');
    }
    const actorAccount = await this.deps.store.accounts.findById(caller.accountId);
    const { entry } = await this.deps.decisions.record(decision, async (seq, at) => {
      const identities = new Map<string, Uint8Array>();
      const endorsements = await this.#counting(subject, at);
      for (const e of endorsements) {
        const account = await this.deps.store.accounts.findById(e.moderatorId);
        if (account) identities.set(e.moderatorId, account.signingKey);
      }
      return {
        kind: 'vetting',
        change: planVet(
          {
            volunteerId: subject,
            current: await this.deps.store.vetting.find(subject),
            endorsements,
            actor: {
              accountId: caller.accountId,
              serial: decision.actor.serial,
              expiresAt: decision.actor.certificate.expiresAt,
            },
            sameIdentityAs: (moderatorId) => {
              const key = identities.get(moderatorId);
              return key !== undefined && actorAccount !== undefined
                ? equalBytes(key, actorAccount.signingKey)
                : false;
            },
            seq,
            at,
          },
          tier,
        ),
      };
    });
    return { status: await this.#status(subject, true), entry };
  }

  /** `volunteers.unvet`: a signed unvet statement withdraws the tier and pending endorsements. */
  async unvet(caller: Caller, bytes: Uint8Array): Promise<VettingDecisionResult> {
    const decision = await this.deps.decisions.verify(caller, bytes, 'unvet');
    const { subject } = decision.statement;
    if (subject === undefined) throw new Error('unvet: rule not enforced');
    await this.#volunteer(subject);
    const { entry } = await this.deps.decisions.record(decision, async () => ({
      kind: 'vetting',
      change: planUnvet({
        volunteerId: subject,
        current: await this.deps.store.vetting.find(subject),
        pendingEndorsements: (await this.deps.store.vetting.endorsements(subject)).length,
      }),
    }));
    return { status: await this.#status(subject, true), entry };
  }

  /**
   * `vetting.status`: staff see any volunteer's tier and who decided it; a volunteer sees its own
   * tier only (FORBIDDEN for another's). NOT_FOUND for an account that is no volunteer.
   */
  async status(caller: Caller, accountId: string | undefined): Promise<VettingStatus> {
    const target = accountId ?? caller.accountId;
    const staff = isStaff(caller.role);
    if (!staff && target !== caller.accountId) {
      throw new AppError('FORBIDDEN', 'a volunteer may read only its own vetting');
    }
    await this.#volunteer(target);
    return this.#status(target, staff);
  }

  async #status(volunteerId: string, staff: boolean): Promise<VettingStatus> {
    const record = await this.deps.store.vetting.find(volunteerId);
    const status = {
      accountId: volunteerId,
      tier: record?.tier ?? ('none' as const),
      since: record?.since ?? null,
    };
    if (!staff) return status;
    return {
      ...status,
      decidedBy: [...(record?.decidedBy ?? [])],
      highEndorsedBy: (await this.#counting(volunteerId)).map((e) => e.moderatorId),
    };
  }

  /** Pending high endorsements whose signer's certificate is still current (at `at`, or now). */
  async #counting(volunteerId: string, at?: number): Promise<HighEndorsement[]> {
    const counting: HighEndorsement[] = [];
    for (const e of await this.deps.store.vetting.endorsements(volunteerId)) {
      if (
        await this.deps.decisions.stillCertified(e.certificateSerial, e.certificateExpiresAt, at)
      ) {
        counting.push(e);
      }
    }
    return counting;
  }

  async #volunteer(accountId: string): Promise<AccountRecord> {
    const account = await this.deps.store.accounts.findById(accountId);
    if (account === undefined || account.role !== 'volunteer') {
      throw new AppError('NOT_FOUND', 'no such volunteer');
    }
    return account;
  }
}
