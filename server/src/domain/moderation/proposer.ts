// The proposer: runs the matching engine over every open request and every matchable offer and
// writes its proposals for the moderators. It runs when something changes what can be matched (a
// new request, an offer changed, a vetting decision, a proposal ended) and on a timer; runs are
// coalesced — one at a time, and however many are asked for during one, a single run after it,
// after a rest as long as the last run took.
import { setTimeout as delay } from 'node:timers/promises';
import { newId } from '../secrets.js';
import type { RequestRecord, Store } from '../../store/ports.js';
import type { Clock } from '../clock.js';
import type { Notifier } from '../notifier.js';
import type { RequestLifecycle } from '../request-lifecycle.js';
import { assignBatch } from '../matching/index.js';
import { loadsOf, pairHistory, toMatchOffer, toMatchRequest } from './match-views.js';
import { MATCH_REQUESTS_PER_RUN, MIN_MATCH_REST_MS, ORPHANS_PER_RUN } from './moderation-limits.js';

export interface MatchRun {
  /** Proposals written. */
  readonly proposed: number;
  /** Live proposals withdrawn because their request ended meanwhile. */
  readonly withdrawn: number;
}

export class Proposer {
  #running: Promise<MatchRun> | undefined;
  #queued: Promise<MatchRun> | undefined;
  /** When the last run ended and how long it took (performance.now() milliseconds). */
  #lastEnd = -Infinity;
  #lastDuration = 0;

  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly lifecycle: RequestLifecycle;
      readonly notifier: Notifier;
      /** Told of a run that failed (the next one tries again); never given payloads. */
      readonly onError: (error: unknown) => void;
    },
  ) {}

  /**
   * Asks for a run. Resolves when a run that started after this call has finished: the one
   * starting now, or the single run queued after the current one. A run starts only after a rest
   * as long as the last run took (at least MIN_MATCH_REST_MS), so a storm of offer changes from
   * one account keeps matching to half the time at most.
   */
  request(): Promise<MatchRun> {
    if (this.#queued !== undefined) return this.#queued;
    if (this.#running === undefined && this.#restLeft() === 0) return this.#start();
    const after = this.#running ?? Promise.resolve();
    const queued = after
      .then(() => delay(this.#restLeft()))
      .then(() => {
        this.#queued = undefined;
        return this.#start();
      });
    this.#queued = queued;
    return queued;
  }

  /** Milliseconds until the next run may start. */
  #restLeft(): number {
    const rest = Math.max(MIN_MATCH_REST_MS, this.#lastDuration);
    return Math.max(0, Math.ceil(this.#lastEnd + rest - performance.now()));
  }

  /** Resolves once no run is going on or queued (shutdown waits for it before closing the store). */
  async idle(): Promise<void> {
    while (this.#running !== undefined || this.#queued !== undefined) {
      await (this.#queued ?? this.#running);
    }
  }

  #start(): Promise<MatchRun> {
    const started = performance.now();
    const run = this.#run()
      .catch((error: unknown) => {
        this.deps.onError(error);
        return { proposed: 0, withdrawn: 0 };
      })
      .finally(() => {
        this.#lastEnd = performance.now();
        this.#lastDuration = this.#lastEnd - started;
        if (this.#running === run) this.#running = undefined;
      });
    this.#running = run;
    return run;
  }

  async #run(): Promise<MatchRun> {
    const { store, clock, lifecycle, notifier } = this.deps;
    const withdrawn = await store.proposals.withdrawOrphans(clock.now(), ORPHANS_PER_RUN);
    for (const proposal of withdrawn) {
      notifier.matchChanged(proposal.volunteerId, {
        id: proposal.id,
        requestId: proposal.requestId,
        state: 'withdrawn',
        updatedAt: proposal.updatedAt,
      });
    }
    const unmatchable = await this.#withdrawUnmatchable();
    const open = await this.#ofActiveContacts(
      await store.requests.listRequestsInState('open', MATCH_REQUESTS_PER_RUN),
    );
    let proposed = 0;
    if (open.length > 0) {
      const vetted = await store.vetting.listVetted();
      const tiers = new Map(vetted.map(({ accountId, tier }) => [accountId, tier]));
      const offers = await store.offers.findOffers([...tiers.keys()]);
      const loads = await loadsOf(store);
      const now = clock.now();
      const result = assignBatch(
        open.map(toMatchRequest),
        offers.map((offer) =>
          toMatchOffer(
            offer,
            tiers.get(offer.accountId) ?? 'none',
            loads.get(offer.accountId) ?? 0,
          ),
        ),
        await pairHistory(store),
        now,
      );
      const owners = new Map(open.map((request) => [request.id, request.ownerId]));
      for (const proposal of result.proposals) {
        const contactId = owners.get(proposal.requestId);
        if (contactId === undefined) continue;
        const outcome = await store.proposals.applyProposalChange({
          insert: {
            id: newId(),
            requestId: proposal.requestId,
            volunteerId: proposal.volunteerId,
            contactId,
            score: proposal.score,
            reasons: proposal.reasons,
            alternatives: proposal.alternatives.map(({ volunteerId, score, reasons }) => ({
              volunteerId,
              score,
              reasons,
            })),
            createdAt: now,
          },
          // The request may have been cancelled since it was read: then nothing is written.
          request: lifecycle.plan(proposal.requestId, 'open', 'proposed'),
        });
        if (outcome.kind !== 'applied') continue;
        if (outcome.request) lifecycle.announce(outcome.request);
        proposed += 1;
      }
    }
    if (proposed > 0 || withdrawn.length > 0 || unmatchable > 0) {
      const { total } = await store.proposals.pendingProposals(0);
      notifier.queueChanged({ pending: total });
    }
    return { proposed, withdrawn: withdrawn.length + unmatchable };
  }

  /** The requests whose contact is not suspended: nobody spends moderators' time on the others. */
  async #ofActiveContacts(requests: readonly RequestRecord[]): Promise<RequestRecord[]> {
    const owners = [...new Set(requests.map((request) => request.ownerId))];
    const active = await this.deps.store.accounts.activeAmong(owners);
    return requests.filter((request) => active.has(request.ownerId));
  }

  /**
   * Withdraws pending and approved proposals whose volunteer was suspended or unvetted since,
   * each with its request back to open (so it is matched again in this run): a moderator must
   * not share a contact's details with, nor a contact wait for, someone no longer trusted.
   */
  async #withdrawUnmatchable(): Promise<number> {
    const { store, clock, lifecycle, notifier } = this.deps;
    let withdrawn = 0;
    for (const proposal of await store.proposals.proposalsOfUnmatchable(ORPHANS_PER_RUN)) {
      const requestState = proposal.state === 'pending' ? 'proposed' : 'approved';
      const outcome = await store.proposals.applyProposalChange({
        update: { id: proposal.id, from: [proposal.state], to: 'withdrawn', at: clock.now() },
        request: lifecycle.plan(proposal.requestId, requestState, 'open'),
      });
      if (outcome.kind !== 'applied' || outcome.updated === undefined) continue;
      withdrawn += 1;
      if (outcome.request) lifecycle.announce(outcome.request);
      notifier.matchChanged(proposal.volunteerId, {
        id: proposal.id,
        requestId: proposal.requestId,
        state: 'withdrawn',
        updatedAt: outcome.updated.updatedAt,
      });
    }
    return withdrawn;
  }
}
