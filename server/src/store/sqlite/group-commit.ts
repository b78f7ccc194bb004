// Group commit: writes that arrive in one turn of the event loop are committed together in one
// SQLite transaction, and each caller's promise settles only after that commit. Persist-before-ack
// stays true for every write, while the cost of a commit (its WAL frame writes and the lock) is
// shared by all of them — one transaction per message held the relay at a quarter of a bare
// socket.io echo (issue 9's planning note), one per turn at half.
//
// Each write runs in its own savepoint inside the batch, so a write that throws is rolled back
// alone and rejects alone; the others commit. If the commit itself fails, every write of the
// batch rejects and none of them is stored.
import type Database from 'better-sqlite3';

interface Pending<T> {
  readonly run: () => T;
  resolve(value: T): void;
  reject(error: Error): void;
}

export interface GroupCommit {
  /** Runs `write` inside the next batch's transaction; resolves with its result after the commit. */
  submit<T>(write: () => T): Promise<T>;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function createGroupCommit(db: Database.Database): GroupCommit {
  let queue: Pending<unknown>[] = [];

  const flush = (): void => {
    const batch = queue;
    queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: Error })[] = [];
    const one = db.transaction((write: () => unknown) => write());
    const all = db.transaction(() => {
      for (const pending of batch) {
        try {
          // Nested: better-sqlite3 makes this a savepoint, rolled back alone if it throws.
          outcomes.push({ ok: true, value: one(pending.run) });
        } catch (error) {
          outcomes.push({ ok: false, error: asError(error) });
        }
      }
    });
    try {
      // IMMEDIATE: the checks each write makes still hold at commit, also against another process.
      all.immediate();
    } catch (error) {
      for (const pending of batch) pending.reject(asError(error));
      return;
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
