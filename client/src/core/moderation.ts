// A moderator's work on the queue as the core does it: the pending proposals with their request
// details and the earlier decisions' notes opened on this device, and the decisions — approve
// (re-wrapping the details for the volunteer), reject and re-propose (each with an optional note
// sealed to the moderators) — every one an audit statement signed here (decisions.ts). Vetting is
// in vetting.ts, suspensions in suspensions.ts, the report queue in reports.ts.
import { toBase64Url, type EventOutput, type RiskTier } from '@kolokol/shared';
import {
  addEnvelopeRecipient,
  equalBytes,
  proposalNoteContext,
  requestDetailsContext,
  type AuditReason,
  type EnvelopePrekeyStore,
  type Identity,
  type PublicIdentity,
  type TrustConfiguration,
} from '@kolokol/shared/crypto';
import { verifyAuditLog, type AuditVerification, type AuditVerifyOptions } from './audit.js';
import type { Connection } from './connection.js';
import { digestOf, type DecisionSigner } from './decisions.js';
import { KolokolError } from './errors.js';
import type { Moderators } from './moderators.js';
import { openText, sealNote, type OpenedText } from './sealed-notes.js';
import type { Vetting } from './vetting.js';

/** One pending proposal of the moderation queue, as `moderation.queue` lists it. */
export type QueueEntry = EventOutput<'moderation.queue'>['entries'][number];
/** An earlier rejected or replaced proposal of the same request, in an entry's `history`. */
export type DecidedProposal = QueueEntry['history'][number];

/** What the moderator's client knows of a person: the identity it pinned (conversations). */
export type PinnedIdentities = (accountId: string) => PublicIdentity | undefined;

/** A decision's optional parts: a reason code and a note in plain text for the next moderator. */
export interface DecisionNote {
  readonly reason?: AuditReason;
  readonly note?: string;
}

export class Moderation {
  constructor(
    private readonly connection: Connection,
    private readonly signer: DecisionSigner,
    private readonly moderators: Moderators,
    private readonly identity: Identity,
    private readonly envelopePrekeys: EnvelopePrekeyStore | undefined,
    private readonly pinned: PinnedIdentities,
    private readonly vetting: Vetting,
    private readonly trust?: TrustConfiguration,
  ) {}

  /** The pending proposals (`moderation.queue`); FORBIDDEN for anyone but staff. */
  queue(): Promise<EventOutput<'moderation.queue'>> {
    return this.connection.call('moderation.queue', {});
  }

  /** The request's details, opened here (bound to its fields: a moved envelope does not open). */
  details(entry: QueueEntry): OpenedText {
    return openText(
      this.envelopePrekeys,
      entry.request.details,
      requestDetailsContext(entry.request),
    );
  }

  /**
   * An earlier decision's note, opened here and checked to be sealed by the moderator who decided
   * (as the verified directory certifies them; needs `options.trust`). Null when it has none.
   */
  async note(entry: QueueEntry, decided: DecidedProposal): Promise<OpenedText | null> {
    if (decided.note === null) return null;
    const sender =
      decided.decidedBy === null
        ? undefined
        : await this.moderators.signingKeyOf(decided.decidedBy);
    if (sender === undefined) return { text: null, problem: 'UNTRUSTED' };
    const kind = decided.state === 'rejected' ? 'reject' : 'repropose';
    const context = proposalNoteContext({
      proposal: decided.proposalId,
      request: entry.request.id,
      volunteer: decided.volunteerId,
      kind,
    });
    return openText(this.envelopePrekeys, decided.note, context, sender);
  }

  /**
   * Approves (`moderation.approve`): adds the volunteer to the request's details with their
   * envelope prekey — its signing key checked against the identity this device pinned for them,
   * if any (CONFLICT when it changed) — and signs the digest of the result. For a critical skill
   * the first of two moderators' approvals only records it; the second's makes it `approved`.
   */
  async approve(entry: QueueEntry): Promise<EventOutput<'moderation.approve'>> {
    if (this.envelopePrekeys === undefined) {
      throw new KolokolError('BAD_REQUEST', 'this account opens no sealed envelopes');
    }
    const volunteer = entry.proposal.volunteerId;
    const fetched = await this.connection.call('envelope_prekeys.fetch', { accountId: volunteer });
    const pin = this.pinned(volunteer);
    if (pin !== undefined && !equalBytes(pin.signingKey, fetched.signingKey)) {
      throw new KolokolError(
        'CONFLICT',
        'the volunteer’s identity changed: compare safety numbers',
      );
    }
    const details = addEnvelopeRecipient(
      entry.request.details,
      { identity: this.identity, keys: this.envelopePrekeys.openingKeys() },
      { signingKey: fetched.signingKey, prekey: fetched.prekey },
      { now: Date.now(), context: requestDetailsContext(entry.request) },
    );
    return this.signer.decide(
      {
        kind: 'approve',
        subject: volunteer,
        request: entry.request.id,
        proposal: entry.proposal.id,
        envelopeDigest: digestOf(details),
      },
      (statement) =>
        this.connection.call('moderation.approve', { statement, details: toBase64Url(details) }),
    );
  }

  /** Rejects a pending proposal (`moderation.reject`), with a reason and perhaps a sealed note. */
  async reject(
    entry: QueueEntry,
    reason: AuditReason,
    note?: string,
  ): Promise<EventOutput<'moderation.reject'>> {
    const sealed = await this.#note(entry, 'reject', note);
    return this.signer.decide(
      {
        kind: 'reject',
        subject: entry.proposal.volunteerId,
        request: entry.request.id,
        proposal: entry.proposal.id,
        reason,
        ...sealed.fields,
      },
      (statement) => this.connection.call('moderation.reject', { statement, ...sealed.wire }),
    );
  }

  /**
   * Re-proposes the request to another volunteer (`moderation.repropose`: an alternative of the
   * entry, or anyone); the note, if any, tells the next moderator why this one was turned down.
   */
  async repropose(
    entry: QueueEntry,
    volunteer: string,
    options: DecisionNote = {},
  ): Promise<EventOutput<'moderation.repropose'>> {
    const sealed = await this.#note(entry, 'repropose', options.note);
    return this.signer.decide(
      {
        kind: 'repropose',
        subject: volunteer,
        request: entry.request.id,
        proposal: entry.proposal.id,
        ...(options.reason === undefined ? {} : { reason: options.reason }),
        ...sealed.fields,
      },
      (statement) => this.connection.call('moderation.repropose', { statement, ...sealed.wire }),
    );
  }

  /** Vets a volunteer at a tier (`volunteers.vet`); see `vetting` for the rest of vetting. */
  vet(volunteer: string, tier: RiskTier): Promise<EventOutput<'volunteers.vet'>> {
    return this.vetting.vet(volunteer, tier);
  }

  /** The log's head now (`audit.head`), kept as the `prevHead` of this client's next decision. */
  auditHead(): Promise<EventOutput<'audit.head'>> {
    return this.signer.fetchHead();
  }

  /**
   * Reads the whole audit log (`audit.entries`) and verifies it on this device against the pinned
   * root key, the server's head and, if given, a checkpoint recorded earlier (audit.ts).
   */
  verifyAudit(options: AuditVerifyOptions = {}): Promise<AuditVerification> {
    return verifyAuditLog(this.connection, this.trust, options);
  }

  async #note(entry: QueueEntry, kind: 'reject' | 'repropose', text: string | undefined) {
    if (text === undefined) return { fields: {}, wire: {} };
    const context = proposalNoteContext({
      proposal: entry.proposal.id,
      request: entry.request.id,
      volunteer: entry.proposal.volunteerId,
      kind,
    });
    const { note, noteDigest } = await sealNote(this.moderators, this.identity, text, context);
    return { fields: { noteDigest }, wire: { note } };
  }
}
