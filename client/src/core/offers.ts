// A volunteer's offer: replaced whole by `put`, with an optional note to the moderators sealed on
// this device to the verified moderators under offerNoteContext(accountId).
import { toBase64Url, type EventOutput, type OfferInput } from '@kolokol/shared';
import { offerNoteContext, sealEnvelope, utf8, type Identity } from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import type { Moderators } from './moderators.js';

/** The offer as the volunteer fills it in: the note (if any) in plain text. */
export type NewOffer = Omit<OfferInput, 'note'> & { readonly note?: string };

export class Offers {
  constructor(
    private readonly connection: Connection,
    private readonly moderators: Moderators,
    private readonly identity: Identity,
    private readonly accountId: string,
  ) {}

  async put(input: NewOffer): Promise<EventOutput<'offers.put'>> {
    const { note, ...offer } = input;
    if (note === undefined) return this.connection.call('offers.put', offer);
    const sealed = sealEnvelope(utf8(note), this.identity, await this.moderators.recipients(), {
      context: offerNoteContext(this.accountId),
      now: Date.now(),
    });
    return this.connection.call('offers.put', { ...offer, note: toBase64Url(sealed) });
  }

  get(): Promise<EventOutput<'offers.get'>> {
    return this.connection.call('offers.get', {});
  }

  setPaused(paused: boolean): Promise<EventOutput<'offers.set_paused'>> {
    return this.connection.call('offers.set_paused', { paused });
  }
}
