// Sessions: opaque 256-bit bearer tokens, stored only as SHA-256 hashes, expiring and
// revocable by logout, "log out everywhere" and suspension (audit/moderation.ts).
import { fromBase64Url } from '@kolokol/shared';
import { AppError } from '../errors.js';
import type { AccountRecord, SessionRecord, Store } from '../store/ports.js';
import type { Clock } from './clock.js';
import type { RevocationFeed } from './revocations.js';
import { TOKEN_BYTES, newId, newToken, sha256 } from './secrets.js';

export interface AuthenticatedSession {
  readonly account: AccountRecord;
  readonly session: SessionRecord;
}

export interface IssuedSession {
  readonly token: string;
  readonly session: SessionRecord;
}

const UNAUTHENTICATED = 'session invalid or expired';

export class SessionService {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly revocations: RevocationFeed;
      readonly ttlMs: number;
    },
  ) {}

  async create(account: AccountRecord): Promise<IssuedSession> {
    const now = this.deps.clock.now();
    const token = newToken();
    const session: SessionRecord = {
      id: newId(),
      accountId: account.id,
      // Bound to a device by the first socket that names one with its device key's proof.
      deviceId: null,
      tokenHash: sha256(token),
      createdAt: now,
      expiresAt: now + this.deps.ttlMs,
      revokedAt: null,
    };
    await this.deps.store.sessions.create(session);
    return { token, session };
  }

  /** The live session and account behind a bearer token, or UNAUTHENTICATED. */
  async authenticate(token: string): Promise<AuthenticatedSession> {
    const raw = fromBase64Url(token);
    if (!raw || raw.length !== TOKEN_BYTES) throw new AppError('UNAUTHENTICATED', UNAUTHENTICATED);
    const session = await this.deps.store.sessions.findByTokenHash(sha256(token));
    const now = this.deps.clock.now();
    if (!session || session.revokedAt !== null || session.expiresAt <= now) {
      throw new AppError('UNAUTHENTICATED', UNAUTHENTICATED);
    }
    const account = await this.deps.store.accounts.findById(session.accountId);
    if (!account || account.suspendedAt !== null) {
      throw new AppError('UNAUTHENTICATED', UNAUTHENTICATED);
    }
    return { account, session };
  }

  async logout(sessionId: string): Promise<number> {
    const revoked = await this.deps.store.sessions.revoke(sessionId, this.deps.clock.now());
    if (revoked) this.deps.revocations.publish({ sessionIds: [sessionId], reason: 'logout' });
    return revoked ? 1 : 0;
  }

  async logoutAll(accountId: string): Promise<number> {
    const ids = await this.deps.store.sessions.revokeAllForAccount(
      accountId,
      this.deps.clock.now(),
    );
    this.deps.revocations.publish({ sessionIds: ids, reason: 'logout_all' });
    return ids.length;
  }

  /**
   * Ends at once the sockets of sessions another service revoked in the store (account.rekey, an
   * audited suspension).
   */
  announceRevoked(sessionIds: readonly string[], reason: 'rekeyed' | 'suspended'): void {
    this.deps.revocations.publish({ sessionIds, reason });
  }

  /** Of these session ids, the ones still live (not revoked, not expired, account not suspended). */
  async filterLive(sessionIds: readonly string[]): Promise<Set<string>> {
    return this.deps.store.sessions.filterLive(sessionIds, this.deps.clock.now());
  }
}
