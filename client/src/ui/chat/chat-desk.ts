// The chat screens' state over the client core: the conversations this device knows (live, by
// the core's `changed`), the disappearing-message sweep, and the actions on a conversation —
// the timer, close (ending the match with it when one is live), block, report.
import type { ReportReason } from '@kolokol/shared';
import {
  KolokolError,
  Observable,
  type KolokolClient,
  type LocalConversation,
  type MatchOutcome,
  type Unsubscribe,
} from '@kolokol/client/core';
import { orderedConversations } from './conversation-order.js';

/**
 * How often the app removes messages past their conversation's timer while it runs: often enough
 * that a message outlives its timer by at most this, rarely enough to cost nothing.
 */
export const SWEEP_INTERVAL_MS = 5 * 60 * 1000;

export class ChatDesk {
  readonly conversations = new Observable<readonly LocalConversation[]>([]);
  /** Bumped after each sweep that removed messages: open threads load their history again. */
  readonly swept = new Observable<number>(0);
  readonly #stops: Unsubscribe[] = [];
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly client: KolokolClient) {
    this.#stops.push(client.conversations.changed.on(() => this.#show()));
  }

  /** Shows what the device knows, sweeps once, and then every SWEEP_INTERVAL_MS. */
  async start(): Promise<void> {
    this.#show();
    await this.sweep();
    this.#sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
  }

  stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
    clearInterval(this.#sweeper);
  }

  /** Removes expired messages from this device; never throws (the next sweep tries again). */
  async sweep(now: number = Date.now()): Promise<void> {
    try {
      if ((await this.client.conversations.expire(now)) > 0) this.swept.set(this.swept.value + 1);
    } catch {
      // Signed out or panicking meanwhile: nothing left to sweep.
    }
  }

  get(id: string): LocalConversation | undefined {
    return this.client.conversations.get(id);
  }

  setTimer(id: string, ttlSeconds: number): Promise<LocalConversation> {
    return this.client.conversations.setTimer(id, ttlSeconds);
  }

  /**
   * Closes the conversation for both sides. With a live match with this person, the match ends
   * with `outcome` instead (the server closes its conversation with it); otherwise
   * `conversations.close`.
   */
  async close(id: string, outcome: MatchOutcome): Promise<void> {
    const conversation = this.#known(id);
    const match = await this.#liveMatchWith(conversation.peer);
    if (match === undefined) await this.client.conversations.close(id);
    else {
      await this.client.matches.end(match, outcome);
      await this.client.conversations.catchUp();
    }
  }

  /** Blocks the other side of a match: never matched again, the conversation closed. */
  async block(id: string): Promise<void> {
    await this.client.conversations.block(id);
  }

  /** Reports the other person to the moderators, the note sealed to them on this device. */
  async report(id: string, reason: ReportReason, note: string): Promise<void> {
    const conversation = this.#known(id);
    const text = note.trim();
    await this.client.reports.create({
      subject: conversation.peer,
      reason,
      conversation: id,
      ...(text === '' ? {} : { note: text }),
    });
  }

  /** Whether this person's account can be blocked from here (the other side of a match, not staff). */
  async hasMatchWith(peer: string): Promise<boolean> {
    const { matches } = await this.client.call('matches.list', {});
    return matches.some((match) => match.counterpartId === peer);
  }

  async #liveMatchWith(peer: string): Promise<string | undefined> {
    if (this.client.role !== 'contact' && this.client.role !== 'volunteer') return undefined;
    const { matches } = await this.client.call('matches.list', {});
    return matches.find((match) => match.counterpartId === peer && match.state === 'accepted')?.id;
  }

  #known(id: string): LocalConversation {
    const conversation = this.client.conversations.get(id);
    if (conversation === undefined) {
      throw new KolokolError('NOT_FOUND', 'no such conversation on this device');
    }
    return conversation;
  }

  #show(): void {
    this.conversations.set(orderedConversations(this.client.conversations.list()));
  }
}
