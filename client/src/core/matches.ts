// Matches as either side sees them. For the volunteer, an approved match carries the request's
// details re-wrapped for them by the approving moderator: opened here with this device's
// envelope prekeys under the request's fields (requestDetailsContext), with the signing key of
// whoever added the volunteer (`addedBy`) — show who approved only if that key is a moderator of
// the verified directory.
import type { EventInput, EventOutput } from '@kolokol/shared';
import {
  CryptoError,
  fromUtf8,
  openEnvelope,
  requestDetailsContext,
  type EnvelopePrekeyStore,
} from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';

type MatchWire = EventOutput<'matches.list'>['matches'][number];

/** How a live match ends: `resolved` (the person was helped) or `closed` (ended otherwise). */
export type MatchOutcome = EventInput<'matches.end'>['outcome'];

/** A match with its details opened when this device can (the volunteer's, while approved or accepted). */
export interface MatchView {
  readonly match: MatchWire;
  readonly details: {
    readonly text: string;
    /** The contact's signing key, who sealed the details. */
    readonly senderSigningKey: Uint8Array;
    /** The signing key of whoever added this volunteer: expect a certified moderator. */
    readonly addedBy: Uint8Array | null;
  } | null;
  /** Why present details did not open (a crypto reason), never key material. */
  readonly problem?: string;
}

export class Matches {
  constructor(
    private readonly connection: Connection,
    private readonly envelopePrekeys: EnvelopePrekeyStore | undefined,
  ) {}

  async list(): Promise<MatchView[]> {
    const { matches } = await this.connection.call('matches.list', {});
    return matches.map((match) => this.#view(match));
  }

  accept(id: string): Promise<EventOutput<'matches.accept'>> {
    return this.connection.call('matches.accept', { id });
  }

  decline(id: string): Promise<EventOutput<'matches.decline'>> {
    return this.connection.call('matches.decline', { id });
  }

  /** Either side ends a live match (`matches.end`): `resolved` (helped) or `closed`. */
  end(id: string, outcome: MatchOutcome): Promise<EventOutput<'matches.end'>> {
    return this.connection.call('matches.end', { id, outcome });
  }

  /**
   * Either side blocks the other (`matches.block`): never matched again; a live match is
   * withdrawn. From inside a conversation, `conversations.block` also closes it.
   */
  block(id: string): Promise<EventOutput<'matches.block'>> {
    return this.connection.call('matches.block', { id });
  }

  #view(match: MatchWire): MatchView {
    if (match.details === null || this.envelopePrekeys === undefined) {
      return { match, details: null };
    }
    try {
      const opened = openEnvelope(match.details, this.envelopePrekeys.openingKeys(), {
        context: requestDetailsContext(match),
      });
      return {
        match,
        details: {
          text: fromUtf8(opened.plaintext),
          senderSigningKey: opened.senderSigningKey,
          addedBy: opened.addedBy ?? null,
        },
      };
    } catch (error) {
      // Sealed and signed by the contact, yet unreadable here: shown as such, never thrown.
      return {
        match,
        details: null,
        problem: error instanceof CryptoError ? error.reason : 'MALFORMED',
      };
    }
  }
}
