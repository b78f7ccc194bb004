// The lifecycle of a request, applied: every change of state — by its contact (cancel), by
// housekeeping (expiry), by moderation (propose, approve, accept, resolve, …) — goes through
// `transition`, which allows only what shared's table (REQUEST_TRANSITIONS) allows, applies it as
// one compare-and-swap write on the state, drops the sealed details when the request ends, and
// tells the contact's sockets (`requests.changed`); a request that may have left 'active' closes
// the contact's conversation with its volunteer. Housekeeping expires what nobody took up and
// deletes ended requests after their retention.
import {
  EXPIRABLE_REQUEST_STATES,
  REQUEST_STATES,
  isEndState,
  isLegalTransition,
  statesLeadingTo,
  type RequestState,
} from '@kolokol/shared';
import { AppError } from '../errors.js';
import type { RequestChange, RequestRecord, Store } from '../store/ports.js';
import type { Clock } from './clock.js';
import type { ConversationService } from './conversations/conversations.js';
import type { Notifier } from './notifier.js';
import { EXPIRY_BATCH, EXPIRY_BATCHES_PER_RUN } from './request-limits.js';

const END_STATES: readonly RequestState[] = REQUEST_STATES.filter(isEndState);

export interface RequestAges {
  /** Age after which an open or proposed request expires. */
  readonly expiryMs: number;
  /** How long an ended request (no details left) is kept before it is deleted. */
  readonly endedRetentionMs: number;
}

export class RequestLifecycle {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly notifier: Notifier;
      readonly ages: RequestAges;
      readonly conversations: ConversationService;
    },
  ) {}

  /**
   * Moves request `id` to `to` if the lifecycle table allows it from the state the request is in
   * — or, with `options.from`, only from that state — in one compare-and-swap write, dropping the
   * sealed details when `to` is an end; then tells the contact's sockets. An illegal transition,
   * or a request no longer in a state it may leave for `to`, is CONFLICT and changes nothing; a
   * missing request (or, with `options.ownerId`, another owner's) is NOT_FOUND.
   */
  async transition(
    id: string,
    to: RequestState,
    options: { readonly from?: RequestState; readonly ownerId?: string } = {},
  ): Promise<RequestRecord> {
    const from = options.from === undefined ? statesLeadingTo(to) : [options.from];
    if (options.from !== undefined && !isLegalTransition(options.from, to)) {
      throw new AppError('CONFLICT', `request: cannot go from ${options.from} to ${to}`);
    }
    const changed =
      from.length === 0
        ? undefined
        : await this.deps.store.requests.transitionRequest(id, {
            from,
            to,
            at: this.deps.clock.now(),
            dropDetails: isEndState(to),
            ...(options.ownerId === undefined ? {} : { ownerId: options.ownerId }),
          });
    if (changed === undefined) {
      const current = await this.deps.store.requests.findRequest(id);
      const othersRequest = options.ownerId !== undefined && options.ownerId !== current?.ownerId;
      if (current === undefined || othersRequest) {
        throw new AppError('NOT_FOUND', 'no such request');
      }
      throw new AppError('CONFLICT', `request: cannot go from ${current.state} to ${to}`);
    }
    this.#tell(changed);
    // An active request's match is over with it (its proposal is withdrawn as an orphan by the
    // next matching run): the conversation closes now, and housekeeping's sweep closes it should
    // a crash come between the two writes.
    if (from.includes('active')) await this.deps.conversations.closeUnmatched([changed.ownerId]);
    return changed;
  }

  /**
   * The request half of a write that changes a proposal too (ProposalStore.applyProposalChange,
   * or a moderator's decision in the audit log): the same table as `transition`, applied by the
   * store as a compare-and-swap from `from` in the proposal's transaction, so the two never
   * disagree. CONFLICT for a change the table does not allow. Call `announce` once it applied.
   */
  plan(
    id: string,
    from: RequestState,
    to: RequestState,
    options: { readonly details?: Uint8Array } = {},
  ): RequestChange {
    if (!isLegalTransition(from, to)) {
      throw new AppError('CONFLICT', `request: cannot go from ${from} to ${to}`);
    }
    return {
      id,
      from: [from],
      to,
      at: this.deps.clock.now(),
      dropDetails: isEndState(to),
      ...(options.details === undefined ? {} : { details: options.details }),
    };
  }

  /** After a planned change applied: tells the contact's sockets, as `transition` does. */
  announce(record: RequestRecord): void {
    this.#tell(record);
  }

  /**
   * Housekeeping: expires open and proposed requests older than the expiry age (telling their
   * contacts) and deletes ended requests kept past the retention. Bounded work per run.
   */
  async housekeep(): Promise<{ expired: number; purged: number }> {
    const now = this.deps.clock.now();
    let expired = 0;
    for (let batch = 0; batch < EXPIRY_BATCHES_PER_RUN; batch += 1) {
      const records = await this.deps.store.requests.expireRequests({
        from: EXPIRABLE_REQUEST_STATES,
        createdBefore: now - this.deps.ages.expiryMs,
        at: now,
        limit: EXPIRY_BATCH,
      });
      for (const record of records) this.#tell(record);
      expired += records.length;
      if (records.length < EXPIRY_BATCH) break;
    }
    const purged = await this.deps.store.requests.purgeRequests(
      END_STATES,
      now - this.deps.ages.endedRetentionMs,
    );
    return { expired, purged };
  }

  #tell(record: RequestRecord): void {
    this.deps.notifier.requestChanged(record.ownerId, {
      id: record.id,
      state: record.state,
      updatedAt: record.updatedAt,
    });
  }
}
