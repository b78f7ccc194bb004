// The volunteer's screens' state over the client core: their offer, where their vetting stands,
// and the matches moderators approved for them (live: pushes and reconnects), with the actions a
// volunteer takes — save or pause the offer, accept (and start the conversation) or decline.
import type { EventOutput } from '@kolokol/shared';
import {
  Observable,
  type KolokolClient,
  type LocalConversation,
  type MatchView,
} from '@kolokol/client/core';
import { LiveList } from '../flows/live-list.js';
import type { NewOffer, StoredOffer } from './offer-draft.js';

export type VettingStatus = EventOutput<'vetting.status'>;

export class VolunteerDesk {
  /** Approved (waiting for an answer) and accepted matches, with their details opened here. */
  readonly matches: LiveList<MatchView>;
  /** The stored offer: undefined until loaded, null when there is none yet. */
  readonly offer = new Observable<StoredOffer | null | undefined>(undefined);
  readonly vetting = new Observable<VettingStatus | undefined>(undefined);

  constructor(private readonly client: KolokolClient) {
    this.matches = new LiveList(client, () => client.matches.list(), ['matches.changed']);
  }

  async start(): Promise<void> {
    await Promise.all([this.matches.refresh(), this.loadOffer(), this.loadVetting()]);
  }

  stop(): void {
    this.matches.stop();
  }

  async loadOffer(): Promise<void> {
    this.offer.set((await this.client.offers.get()).offer);
  }

  async loadVetting(): Promise<void> {
    this.vetting.set(await this.client.call('vetting.status', {}));
  }

  /**
   * Saves the whole offer: a new note is sealed by the core; without one the stored sealed note
   * (`keptNote`, base64url) goes back as it was, since `offers.put` replaces everything.
   */
  async saveOffer(offer: NewOffer, keptNote: string | null): Promise<void> {
    if (keptNote === null || offer.note !== undefined) await this.client.offers.put(offer);
    else await this.client.call('offers.put', { ...offer, note: keptNote });
    await this.loadOffer();
  }

  async setPaused(paused: boolean): Promise<void> {
    await this.client.offers.setPaused(paused);
    await this.loadOffer();
  }

  /** Matches offered to the volunteer, waiting for their answer. */
  proposals(): MatchView[] {
    return (this.matches.items.value ?? []).filter((view) => view.match.state === 'approved');
  }

  /** Matches the volunteer accepted: the people they are helping. */
  live(): MatchView[] {
    return (this.matches.items.value ?? []).filter((view) => view.match.state === 'accepted');
  }

  /** Accepts and opens the conversation with the contact (the channel an accepted match allows). */
  async accept(view: MatchView): Promise<LocalConversation> {
    await this.client.matches.accept(view.match.id);
    const conversation = await this.client.conversations.open(view.match.counterpartId);
    await this.matches.refresh();
    return conversation;
  }

  async decline(view: MatchView): Promise<void> {
    await this.client.matches.decline(view.match.id);
    await this.matches.refresh();
  }
}
