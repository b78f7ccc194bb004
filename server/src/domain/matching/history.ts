// The pair history as lookups: which volunteers one request may never be proposed to again.
import type { BarReason, PairHistory } from './types.js';

const EMPTY: ReadonlySet<string> = new Set();

export class PairHistoryIndex {
  /** contactId → volunteerId → the reasons the two are barred. */
  readonly #barred = new Map<string, Map<string, BarReason[]>>();
  /** requestId → volunteers it was already proposed to. */
  readonly #proposed = new Map<string, Set<string>>();

  constructor(history: PairHistory) {
    for (const { contactId, volunteerId, reason } of history.barred) {
      const byVolunteer = this.#barred.get(contactId) ?? new Map<string, BarReason[]>();
      this.#barred.set(contactId, byVolunteer);
      const reasons = byVolunteer.get(volunteerId) ?? [];
      if (!reasons.includes(reason)) reasons.push(reason);
      byVolunteer.set(volunteerId, reasons);
    }
    for (const { requestId, volunteerId } of history.proposed) {
      const volunteers = this.#proposed.get(requestId) ?? new Set<string>();
      this.#proposed.set(requestId, volunteers);
      volunteers.add(volunteerId);
    }
  }

  barReasons(contactId: string, volunteerId: string): readonly BarReason[] {
    return this.#barred.get(contactId)?.get(volunteerId) ?? [];
  }

  wasProposed(requestId: string, volunteerId: string): boolean {
    return this.#proposed.get(requestId)?.has(volunteerId) ?? false;
  }

  /** Every volunteer this request must not get: barred from its contact, or proposed for it already. */
  excludedFor(request: { readonly id: string; readonly contactId: string }): ReadonlySet<string> {
    const barred = this.#barred.get(request.contactId);
    const proposed = this.#proposed.get(request.id);
    if (barred === undefined) return proposed ?? EMPTY;
    const excluded = new Set(barred.keys());
    for (const volunteerId of proposed ?? EMPTY) excluded.add(volunteerId);
    return excluded;
  }
}

/** The history as lookups: as given if it already is, built once otherwise. */
export function asHistoryIndex(history: PairHistory | PairHistoryIndex): PairHistoryIndex {
  return history instanceof PairHistoryIndex ? history : new PairHistoryIndex(history);
}
