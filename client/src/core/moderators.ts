// The moderators this client seals to: the directory `certificates.list` serves, verified
// against the root key and deployment the build pins (TrustConfiguration), never keys the server
// names by itself. The revocation floor it returns is kept for this client's lifetime, so a
// server cannot roll the revocation statement back while the app runs.
import {
  envelopeRecipients,
  verifyModeratorDirectory,
  type EnvelopeRecipient,
  type ModeratorDirectory,
  type RevocationFloor,
  type TrustConfiguration,
} from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';
import { KolokolError } from './errors.js';

export class Moderators {
  #floor: RevocationFloor | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly trust: TrustConfiguration | undefined,
  ) {}

  /**
   * Every certified moderator's current envelope prekey, from a freshly verified directory.
   * BAD_REQUEST without a trust configuration; CryptoError UNTRUSTED for a directory that does
   * not verify (stale, forged, rolled back); UNAVAILABLE when no moderator has a prekey.
   */
  async recipients(): Promise<EnvelopeRecipient[]> {
    const recipients = envelopeRecipients(await this.directory());
    if (recipients.length === 0) {
      throw new KolokolError('UNAVAILABLE', 'no moderator can receive sealed details now');
    }
    return recipients;
  }

  /**
   * The certified identity signing key of the moderator `accountId` (to check who sealed a note
   * or decided), from a freshly verified directory; undefined when it certifies no such moderator.
   */
  async signingKeyOf(accountId: string): Promise<Uint8Array | undefined> {
    const { moderators } = await this.directory();
    return moderators.find((m) => m.accountId === accountId)?.certificate.moderator.signingKey;
  }

  /** `certificates.list`, verified (BAD_REQUEST without trust; CryptoError UNTRUSTED). */
  async directory(): Promise<ModeratorDirectory> {
    if (this.trust === undefined) {
      throw new KolokolError('BAD_REQUEST', 'this client has no trust configuration');
    }
    const listed = await this.connection.callWire('certificates.list', {});
    const directory = verifyModeratorDirectory(this.trust, listed, {
      now: Date.now(),
      ...(this.#floor === undefined ? {} : { storedFloor: this.#floor }),
    });
    this.#floor = directory.floor;
    return directory;
  }
}
