// In-process feed of revoked sessions, so transports can drop the sockets of a session the
// moment it ends. Out-of-process revocations (the admin CLI) are caught by the periodic recheck.
import type { SessionRevoked } from '@kolokol/shared';

export interface Revocation {
  readonly sessionIds: readonly string[];
  readonly reason: SessionRevoked['reason'];
}

export type RevocationListener = (revocation: Revocation) => void;

export class RevocationFeed {
  readonly #listeners = new Set<RevocationListener>();

  subscribe(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(revocation: Revocation): void {
    if (revocation.sessionIds.length === 0) return;
    for (const listener of this.#listeners) listener(revocation);
  }
}
