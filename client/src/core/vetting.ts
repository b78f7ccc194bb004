// Vetting as staff decide it and volunteers see it: vet at a tier (`high` takes effect once two
// different moderators signed it), unvet, and the status — each decision an audit statement
// signed on this device (decisions.ts). `changed` tells the app every status it learned, from a
// decision's answer or a `status` call, so a vetting badge stays in step.
import type { EventOutput, RiskTier, VettingStatus } from '@kolokol/shared';
import type { AuditReason } from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import type { DecisionSigner } from './decisions.js';
import { Emitter } from './observable.js';

export class Vetting {
  constructor(
    private readonly connection: Connection,
    private readonly signer: DecisionSigner,
    /** Every vetting status this client learned (the app's badge and staff lists). */
    readonly changed = new Emitter<VettingStatus>(),
  ) {}

  /** Vets a volunteer at a tier (`volunteers.vet`) by a signed vet statement. */
  async vet(volunteer: string, tier: RiskTier): Promise<EventOutput<'volunteers.vet'>> {
    const answer = await this.signer.decide(
      { kind: 'vet', subject: volunteer, tier },
      (statement) => this.connection.call('volunteers.vet', { statement }),
    );
    this.changed.emit(answer.status);
    return answer;
  }

  /** Withdraws a volunteer's tier and pending `high` statements (`volunteers.unvet`). */
  async unvet(volunteer: string, reason?: AuditReason): Promise<EventOutput<'volunteers.unvet'>> {
    const answer = await this.signer.decide(
      { kind: 'unvet', subject: volunteer, ...(reason === undefined ? {} : { reason }) },
      (statement) => this.connection.call('volunteers.unvet', { statement }),
    );
    this.changed.emit(answer.status);
    return answer;
  }

  /**
   * Where a volunteer stands (`vetting.status`): a volunteer asks about itself (no argument);
   * staff about anyone, and see who decided.
   */
  async status(volunteer?: string): Promise<VettingStatus> {
    const status = await this.connection.call(
      'vetting.status',
      volunteer === undefined ? {} : { accountId: volunteer },
    );
    this.changed.emit(status);
    return status;
  }
}
