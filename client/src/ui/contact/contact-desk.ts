// The contact's screens' state over the client core: their requests and the volunteers who
// accepted them, both kept live (pushes and reconnects), and the actions a contact takes —
// ask, cancel, start talking with the volunteer or decline them. Nothing here touches the DOM.
import type { EventOutput } from '@kolokol/shared';
import type { KolokolClient, LocalConversation, MatchView } from '@kolokol/client/core';
import { LiveList } from '../flows/live-list.js';
import type { NewRequest } from './request-draft.js';

type RequestWire = EventOutput<'requests.list'>['requests'][number];

export class ContactDesk {
  readonly requests: LiveList<RequestWire>;
  /** The contact's matches: a volunteer who accepted shows here (the contact sees no earlier step). */
  readonly matches: LiveList<MatchView>;

  constructor(private readonly client: KolokolClient) {
    this.requests = new LiveList(client, async () => (await client.requests.list()).requests, [
      'requests.changed',
      'matches.changed',
    ]);
    this.matches = new LiveList(client, () => client.matches.list(), [
      'matches.changed',
      'requests.changed',
    ]);
  }

  start(): Promise<void> {
    return Promise.all([this.requests.refresh(), this.matches.refresh()]).then(() => undefined);
  }

  stop(): void {
    this.requests.stop();
    this.matches.stop();
  }

  /** Sends the request (its details sealed on this device to the verified moderators). */
  async ask(request: NewRequest): Promise<RequestWire> {
    const { request: created } = await this.client.requests.create(request);
    await this.requests.refresh();
    return created;
  }

  async cancel(id: string): Promise<void> {
    await this.client.requests.cancel(id);
    await this.requests.refresh();
  }

  /** The live match of a request, if a volunteer accepted it. */
  matchOf(requestId: string): MatchView | undefined {
    return this.matches.items.value?.find(
      (view) => view.match.requestId === requestId && view.match.state === 'accepted',
    );
  }

  /**
   * Accepts the volunteer: opens (or finds) the conversation with them, disappearing messages on
   * by the server's default for contacts (a week), and returns it for the chat screen.
   */
  talk(match: MatchView): Promise<LocalConversation> {
    return this.client.conversations.open(match.match.counterpartId);
  }

  /** Declines the volunteer: they are not proposed again, and the request is matched anew. */
  async decline(match: MatchView): Promise<void> {
    await this.client.matches.decline(match.match.id);
    await Promise.all([this.requests.refresh(), this.matches.refresh()]);
  }
}
