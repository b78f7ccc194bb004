// Group commit: writes that arrive in one turn of the event loop are committed together in one
// SQLite transaction (up to GROUP_COMMIT_MAX_WRITES of them; more wait for the next turn), and
// each caller's promise settles only after that commit. Persist-before-ack
// stays true for every write, while the cost of a commit (its WAL frame writes and the lock) is
// shared by all of them — one transaction per message held the relay at a quarter of a bare
// socket.io echo (issue 9's planning note), one per turn at half.
//
// A write that throws is rolled back alone and rejects alone; the others commit. A savepoint
// around each write would cost about as much as the write's own statements (≈10 µs of CPU each,
// docs/relay.md), and writes do not throw in normal operation, so a batch first runs without
// them: if every write returns, that transaction commits. If one throws (or the commit fails),
// the whole transaction is rolled back — nothing of it was stored, nothing was answered — and
// the batch runs again from the start with each write in its own savepoint, as the slow path.
// Writes are functions of the database alone (their inputs, clock readings included, are fixed
// before they are submitted), so running one again after a rollback is the same write. If the
// commit of that second run fails too, every write of the batch rejects and none is stored.
import type Database from 'better-sqlite3';

/**
 * Writes one transaction takes at most; the rest wait for the next turn. Bounds how long a batch
 * holds the event loop and its answers: with every write of a turn in one commit, a relay under
 * load answered all its senders at once and then sat idle while they all sent again; in slices
 * the first acks go out while the next slice commits. 256 (session 16; 64 before): on a quiet
 * machine 13 % less server CPU a message than 128, and no better above it; a slice of 256 holds
 * the event loop for about 9 ms (docs/relay.md, "Group commit").
 */
export const GROUP_COMMIT_MAX_WRITES = 256;

interface Pending<T> {
  readonly run: () => T;
  resolve(value: T): void;
  reject(error: Error): void;
}

export interface GroupCommit {
  /**
   * Runs `write` inside the next batch's transaction; resolves with its result after the commit.
   * `write` must touch the database only and report refusals as values: it runs a second time,
   * after a rollback, when another write of its batch throws.
   */
  submit<T>(write: () => T): Promise<T>;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * What the writes of a batch may keep between them inside one transaction (conversation-writes.ts
 * keeps each conversation's `last_seq` and each device's pending counters, written once).
 * `start` runs as every transaction (and every savepoint of the slow path) begins: anything kept
 * from one that rolled back is dropped. `finish` runs at the end of the transaction's writes,
 * before the commit — on the slow path inside each write's own savepoint, so a write rolled back
 * takes what it deferred with it.
 */
export interface BatchHooks {
  start(): void;
  finish(): void;
}

const NO_HOOKS: BatchHooks = { start: () => undefined, finish: () => undefined };

export function createGroupCommit(
  db: Database.Database,
  hooks: BatchHooks = NO_HOOKS,
): GroupCommit {
  const queue: Pending<unknown>[] = [];

  /** Every write straight in one transaction; throws if any write or the commit throws. */
  const optimistic = db.transaction((batch: readonly Pending<unknown>[]) => {
    hooks.start();
    const values = batch.map((pending) => pending.run());
    hooks.finish();
    return values;
  });
  const one = db.transaction((write: () => unknown) => {
    hooks.start();
    const value = write();
    hooks.finish();
    return value;
  });
  /** Each write in its own savepoint (a nested transaction), rolled back alone if it throws. */
  const careful = db.transaction((batch: readonly Pending<unknown>[]) =>
    batch.map((pending): Outcome => {
      try {
        return { ok: true, value: one(pending.run) };
      } catch (error) {
        return { ok: false, error: asError(error) };
      }
    }),
  );

  const flush = (): void => {
    const batch = queue.splice(0, GROUP_COMMIT_MAX_WRITES);
    // The rest after this turn's answers have gone out and the next turn's input has been read.
    if (queue.length > 0) setImmediate(flush);
    let outcomes: readonly Outcome[];
    try {
      // IMMEDIATE: the checks each write makes still hold at commit, also against another process.
      outcomes = optimistic.immediate(batch).map((value): Outcome => ({ ok: true, value }));
    } catch {
      try {
        outcomes = careful.immediate(batch);
      } catch (error) {
        for (const pending of batch) pending.reject(asError(error));
        return;
      }
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index];
      if (outcome === undefined) pending.reject(new Error('store: batch lost a write'));
      else if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
  };

  return {
    submit<T>(write: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        // After this turn's I/O callbacks (and the microtasks they start) have all queued theirs.
        if (queue.length === 0) setImmediate(flush);
        queue.push({ run: write, resolve: (value) => resolve(value as T), reject });
      });
    },
  };
}
