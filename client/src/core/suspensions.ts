// Suspending and reinstating an account, as certified staff decide it: each an audit statement
// signed on this device (decisions.ts). A suspension may name the abuse report it actions (the
// report then closes as `actioned` in the same write).
import type { EventOutput } from '@kolokol/shared';
import type { AuditReason } from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import type { DecisionSigner } from './decisions.js';

export class Suspensions {
  constructor(
    private readonly connection: Connection,
    private readonly signer: DecisionSigner,
  ) {}

  /**
   * Suspends `account` (`moderation.suspend`): its sessions end at once and it cannot log in.
   * With `report`, that open report about it is actioned by the same decision.
   */
  suspend(
    account: string,
    reason: AuditReason,
    report?: string,
  ): Promise<EventOutput<'moderation.suspend'>> {
    return this.signer.decide(
      { kind: 'suspend', subject: account, reason, ...(report === undefined ? {} : { report }) },
      (statement) => this.connection.call('moderation.suspend', { statement }),
    );
  }

  /** Lifts a suspension (`moderation.reinstate`); the account logs in again. */
  reinstate(account: string, reason?: AuditReason): Promise<EventOutput<'moderation.reinstate'>> {
    return this.signer.decide(
      { kind: 'reinstate', subject: account, ...(reason === undefined ? {} : { reason }) },
      (statement) => this.connection.call('moderation.reinstate', { statement }),
    );
  }
}
