// A contact's requests: the fields in the clear, the details sealed on this device to the
// verified moderators under those fields (requestDetailsContext), so a server that edits a field
// or moves the envelope is caught when a moderator opens them.
import { toBase64Url, type EventOutput, type RequestsCreateInput } from '@kolokol/shared';
import {
  randomBytes,
  requestDetailsContext,
  sealEnvelope,
  utf8,
  type Identity,
} from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import type { Moderators } from './moderators.js';

/** What a contact fills in: the fields the server sees, and the details in plain text. */
export type NewRequest = Omit<RequestsCreateInput, 'clientId' | 'details'> & {
  readonly details: string;
};

export class Requests {
  constructor(
    private readonly connection: Connection,
    private readonly moderators: Moderators,
    private readonly identity: Identity,
  ) {}

  /** Seals the details to the verified moderators and creates the request (`requests.create`). */
  async create(input: NewRequest): Promise<EventOutput<'requests.create'>> {
    const { details, ...rest } = input;
    const fields = { ...rest, clientId: toBase64Url(randomBytes(16)) };
    const sealed = sealEnvelope(utf8(details), this.identity, await this.moderators.recipients(), {
      context: requestDetailsContext(fields),
      now: Date.now(),
    });
    return this.connection.call('requests.create', { ...fields, details: toBase64Url(sealed) });
  }

  list(): Promise<EventOutput<'requests.list'>> {
    return this.connection.call('requests.list', {});
  }

  cancel(id: string): Promise<EventOutput<'requests.cancel'>> {
    return this.connection.call('requests.cancel', { id });
  }
}
