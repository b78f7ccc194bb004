// Contacts' requests for help: a contact creates one (at most KOLOKOL_MAX_OPEN_REQUESTS live at a
// time, a few new ones an hour), lists theirs and cancels one before it is resolved — a change of
// state, made like every other through RequestLifecycle.
import {
  LIVE_REQUEST_STATES,
  MAX_LISTED_REQUESTS,
  MAX_REQUEST_DETAILS_BYTES,
  type EventPayload,
  type RequestWire,
  type Role,
} from '@kolokol/shared';
import { equalBytes } from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';
import type { NewRequest, RequestRecord, Store } from '../store/ports.js';
import type { Clock } from './clock.js';
import { HOUR_MS, memoryBudgets, type Budget, type Budgets } from './budget.js';
import type { RequestLifecycle } from './request-lifecycle.js';
import { checkSealedEnvelope } from './sealed-shape.js';
import { newId } from './secrets.js';

interface Caller {
  readonly accountId: string;
  readonly role: Role;
}

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

export class RequestService {
  readonly #creates: Budget;

  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly lifecycle: RequestLifecycle;
      /** Live requests (open, proposed, approved, active) one contact may have. */
      readonly maxOpenPerContact: number;
      /** New requests one contact may create per hour (KOLOKOL_REQUEST_CREATES_PER_HOUR). */
      readonly createsPerHour: number;
      /** Shared budgets (several processes); unset: in this process's memory. */
      readonly budgets?: Budgets | undefined;
    },
  ) {
    this.#creates = (deps.budgets ?? memoryBudgets(deps.clock))({
      name: 'request-creates',
      perWindow: deps.createsPerHour,
      windowMs: HOUR_MS,
    });
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
    const budgeted = await this.#creates.tryTake(caller.accountId);
    const result = await this.deps.store.requests
      .createRequest(request, {
        maxLive: budgeted ? this.deps.maxOpenPerContact : 0,
        liveStates: LIVE_REQUEST_STATES,
      })
      .catch(async (error: unknown) => {
        if (budgeted) await this.#creates.giveBack(caller.accountId);
        throw error;
      });
    // Only a new row costs a unit of the budget.
    if (budgeted && result.kind !== 'created') await this.#creates.giveBack(caller.accountId);
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
          `at most ${this.deps.maxOpenPerContact} requests may be open at once: cancel one first`,
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
    const cancelled = await this.deps.lifecycle.transition(id, 'cancelled', {
      ownerId: caller.accountId,
    });
    return toRequestWire(cancelled);
  }
}
