// A moderator's decisions as the core makes them: each one an audit statement (crypto.md §5.2)
// signed on this device by the identity the organisation's root certified, naming this account
// as the actor — the server acts only on a statement that verifies against the certificate it
// holds for the caller. Approving (which re-wraps the request's details) and sealed notes on a
// decision are not here yet: `call` reaches them.
import { toBase64Url, type EventOutput, type RiskTier } from '@kolokol/shared';
import {
  issueAuditStatement,
  type AuditReason,
  type AuditStatementFields,
  type Identity,
} from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';

/** One pending proposal of the moderation queue, as `moderation.queue` lists it. */
export type QueueEntry = EventOutput<'moderation.queue'>['entries'][number];

export class Moderation {
  constructor(
    private readonly connection: Connection,
    private readonly identity: Identity,
    private readonly accountId: string,
  ) {}

  /** The pending proposals (`moderation.queue`); FORBIDDEN for anyone but staff. */
  queue(): Promise<EventOutput<'moderation.queue'>> {
    return this.connection.call('moderation.queue', {});
  }

  /** Rejects a pending proposal (`moderation.reject`) by a signed reject statement. */
  reject(entry: QueueEntry, reason: AuditReason): Promise<EventOutput<'moderation.reject'>> {
    return this.connection.call('moderation.reject', {
      statement: this.#statement({
        kind: 'reject',
        subject: entry.proposal.volunteerId,
        request: entry.request.id,
        proposal: entry.proposal.id,
        reason,
      }),
    });
  }

  /** Vets a volunteer at a tier (`volunteers.vet`) by a signed vet statement. */
  vet(volunteer: string, tier: RiskTier): Promise<EventOutput<'volunteers.vet'>> {
    return this.connection.call('volunteers.vet', {
      statement: this.#statement({ kind: 'vet', subject: volunteer, tier }),
    });
  }

  #statement(fields: Omit<AuditStatementFields, 'actor' | 'issuedAt'>): string {
    return toBase64Url(
      issueAuditStatement(this.identity, {
        ...fields,
        actor: this.accountId,
        issuedAt: Date.now(),
      }),
    );
  }
}
