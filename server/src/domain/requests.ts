// Contacts' requests for help and their lifecycle. A contact creates one (at most
// KOLOKOL_MAX_OPEN_REQUESTS live at a time), lists theirs and cancels one before it is resolved;
// every change of state — by the contact, by housekeeping's expiry, later by moderation — goes
// through `transition`, which allows only what shared's lifecycle table allows and applies it as
// a compare-and-swap on the state, and tells the contact's sockets (`requests.changed`).
import {
  EXPIRABLE_REQUEST_STATES,
  LIVE_REQUEST_STATES,
  MAX_LISTED_REQUESTS,
  MAX_REQUEST_DETAILS_BYTES,
  REQUEST_STATES,
  isEndState,
  isLegalTransition,
  statesLeadingTo,
  type RequestState,
  type RequestWire,
  type Role,
  type EventPayload,
} from '@kolokol/shared';
import { equalBytes } from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type { NewRequest, RequestRecord, Store } from '../store/ports.js';
import type { Clock } from './clock.js';
import { HourlyBudget } from './hourly-budget.js';
import type { Notifier } from './notifier.js';
import {
  EXPIRY_BATCH,
  EXPIRY_BATCHES_PER_RUN,
  REQUEST_CREATES_PER_CONTACT_PER_HOUR,
} from './request-limits.js';
import { checkSealedEnvelope } from './sealed-shape.js';
import { newId } from './secrets.js';

interface Caller {
  readonly accountId: string;
  readonly role: Role;
}

const END_STATES: readonly RequestState[] = REQUEST_STATES.filter(isEndState);

export function toRequestWire(record: RequestRecord): RequestWire {
  return {
    id: record.id,
    clientId: record.clientId,
    skills: [...record.skills],
    urgency: record.urgency,
    languages: [...record.languages],
    region: record.region,
    state: record.state,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function contactOnly(caller: Caller): void {
  if (caller.role !== 'contact') throw new AppError('FORBIDDEN', 'only contacts make requests');
}

/** Whether a create repeats the one stored under its clientId (same fields; same details unless they ended). */
function sameRequest(
  stored: RequestRecord,
  storedDetails: Uint8Array | null,
  request: NewRequest,
): boolean {
  const sameList = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && a.every((item, index) => item === b[index]);
  return (
    sameList(stored.skills, request.skills) &&
    stored.urgency === request.urgency &&
    sameList(stored.languages, request.languages) &&
    stored.region === request.region &&
    (storedDetails === null || equalBytes(storedDetails, request.details))
  );
}

export interface RequestSettings {
  /** Live requests (open, proposed, approved, active) one contact may have. */
  readonly maxOpenPerContact: number;
  /** Age after which an open or proposed request expires. */
  readonly expiryMs: number;
  /** How long an ended request (no details left) is kept before it is deleted. */
  readonly endedRetentionMs: number;
}

export class RequestService {
  readonly #creates: HourlyBudget;

  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly notifier: Notifier;
      readonly settings: RequestSettings;
    },
  ) {
    this.#creates = new HourlyBudget(REQUEST_CREATES_PER_CONTACT_PER_HOUR, deps.clock);
  }

  /**
   * Stores a new open request. The same clientId again answers the stored request with
   * `duplicate: true` (CONFLICT if the fields differ), even past the limits; past the live cap
   * FORBIDDEN, past the hourly budget RATE_LIMITED; details that are not a sealed envelope
   * BAD_REQUEST. A refusal stores nothing.
   */
  async create(
    caller: Caller,
    input: EventPayload<'requests.create'>,
  ): Promise<{ request: RequestWire; duplicate: boolean }> {
    contactOnly(caller);
    checkSealedEnvelope(input.details, MAX_REQUEST_DETAILS_BYTES, 'details');
    const request: NewRequest = {
      id: newId(),
      ownerId: caller.accountId,
      clientId: input.clientId,
      skills: input.skills,
      urgency: input.urgency,
      languages: input.languages,
      region: input.region,
      details: input.details,
      createdAt: this.deps.clock.now(),
    };
    // Out of budget, the store is still asked, allowing no new row: a retry is answered as the
    // duplicate it is, anything else is refused.
    const budgeted = this.#creates.tryTake(caller.accountId);
    const result = await this.deps.store.requests
      .createRequest(request, {
        maxLive: budgeted ? this.deps.settings.maxOpenPerContact : 0,
        liveStates: LIVE_REQUEST_STATES,
      })
      .catch((error: unknown) => {
        if (budgeted) this.#creates.giveBack(caller.accountId);
        throw error;
      });
    // Only a new row costs a unit of the budget.
    if (budgeted && result.kind !== 'created') this.#creates.giveBack(caller.accountId);
    switch (result.kind) {
      case 'created':
        return { request: toRequestWire(result.request), duplicate: false };
      case 'duplicate':
        if (!sameRequest(result.request, result.details, request)) {
          throw new AppError('CONFLICT', 'clientId: used for another request');
        }
        return { request: toRequestWire(result.request), duplicate: true };
      case 'limit':
        if (!budgeted) {
          throw new AppError('RATE_LIMITED', 'too many new requests this hour; try again later');
        }
        throw new AppError(
          'FORBIDDEN',
          `at most ${this.deps.settings.maxOpenPerContact} requests may be open at once: cancel one first`,
        );
    }
  }

  /** The contact's requests, newest first (at most MAX_LISTED_REQUESTS). */
  async list(caller: Caller): Promise<RequestWire[]> {
    contactOnly(caller);
    const records = await this.deps.store.requests.listRequestsOf(
      caller.accountId,
      MAX_LISTED_REQUESTS,
    );
    return records.map(toRequestWire);
  }

  /** The contact withdraws their request: NOT_FOUND if it is not theirs, CONFLICT once it ended. */
  async cancel(caller: Caller, id: string): Promise<RequestWire> {
    contactOnly(caller);
    return toRequestWire(await this.transition(id, 'cancelled', { ownerId: caller.accountId }));
  }

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
    return changed;
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
        createdBefore: now - this.deps.settings.expiryMs,
        at: now,
        limit: EXPIRY_BATCH,
      });
      for (const record of records) this.#tell(record);
      expired += records.length;
      if (records.length < EXPIRY_BATCH) break;
    }
    const purged = await this.deps.store.requests.purgeRequests(
      END_STATES,
      now - this.deps.settings.endedRetentionMs,
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
