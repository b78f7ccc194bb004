// A moderator's decisions as the core signs them: each one an audit statement (crypto.md §5.2)
// made on this device by the identity the organisation's root certified, naming this account as
// the actor, and carrying as `prevHead` the newest audit log head this client has seen (from
// `audit.head` or the answer to its own last decision) — so every decision is also a signed
// witness of the history before it (docs/protocol.md, "Moderator decisions and the audit log").
import { toBase64Url, type EventOutput } from '@kolokol/shared';
import {
  issueAuditStatement,
  sodium,
  type AuditStatementFields,
  type Identity,
} from '@kolokol/shared/crypto';
import type { Connection } from './connection.js';

/** A log entry the server named: its number and hash (the head right after it). */
export interface AuditEntryRef {
  readonly seq: number;
  readonly hash: Uint8Array;
}

/** What a decision's statement holds besides the actor, the time and the head (filled in here). */
export type DecisionFields = Omit<AuditStatementFields, 'actor' | 'issuedAt' | 'prevHead'>;

export class DecisionSigner {
  #head: AuditEntryRef | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly identity: Identity,
    private readonly accountId: string,
  ) {}

  /** The newest log head this client has seen (undefined before the first). */
  get head(): AuditEntryRef | undefined {
    return this.#head;
  }

  /** The log's head now (`audit.head`), remembered for the next statement; staff only. */
  async fetchHead(): Promise<EventOutput<'audit.head'>> {
    const answer = await this.connection.call('audit.head', {});
    if (answer.length > 0) this.saw({ seq: answer.length, hash: answer.head });
    return answer;
  }

  /** Keeps `entry` as the head when it is newer than the one held (answers may race). */
  saw(entry: AuditEntryRef): void {
    if (this.#head === undefined || entry.seq > this.#head.seq) {
      this.#head = { seq: entry.seq, hash: entry.hash.slice() };
    }
  }

  /** A signed statement of `fields`, base64url for the wire. */
  sign(fields: DecisionFields): string {
    return toBase64Url(
      issueAuditStatement(this.identity, {
        ...fields,
        actor: this.accountId,
        issuedAt: Date.now(),
        ...(this.#head === undefined ? {} : { prevHead: this.#head.hash }),
      }),
    );
  }

  /**
   * Sends a decision: signs `fields`, calls `send` with the statement, and keeps the entry the
   * answer names as the new head.
   */
  async decide<T extends { entry: AuditEntryRef }>(
    fields: DecisionFields,
    send: (statement: string) => Promise<T>,
  ): Promise<T> {
    const answer = await send(this.sign(fields));
    this.saw(answer.entry);
    return answer;
  }
}

/** SHA-256 of bytes a statement signs the digest of (a sealed note, re-wrapped details). */
export function digestOf(bytes: Uint8Array): Uint8Array {
  return sodium.crypto_hash_sha256(bytes);
}
