// Keeps deleted rows out of the write-ahead log. secure_delete zeroes deleted content in the
// database file, but in WAL mode the frames that wrote it stay in the -wal file until enough
// later writes overwrite them (issue 6: every acknowledged envelope was still there after
// 20 acks). A TRUNCATE checkpoint copies the zeroed pages into the database file and empties
// the log, so nothing deleted before it is left in either.
//
// The guarantee: rows deleted through a scrubbing store method are gone from the database,
// -wal and -shm files within WAL_SCRUB_DELAY_MS of the delete; at close; and, after a crash,
// as soon as the store is opened again. Checkpointing after every delete would put a
// checkpoint (two fsyncs) into each `conversations.ack`; one per burst of deletes costs the relay
// nothing measurable and leaves a second's window, which a seizure cannot aim at.
import type Database from 'better-sqlite3';

/** Longest time between deleting a row and its disappearance from the -wal file. */
export const WAL_SCRUB_DELAY_MS = 1000;

export interface WalScrubber {
  /** Asks for a scrub within WAL_SCRUB_DELAY_MS; many requests in that time share one. */
  request(): void;
  /** Scrubs now, if nothing else holds the database; true when the log is empty afterwards. */
  scrubNow(): boolean;
  /** Cancels a pending scrub (before close, which scrubs by itself). */
  stop(): void;
}

interface CheckpointRow {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

function isBusy(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    /^SQLITE_(BUSY|LOCKED)/.test(error.code)
  );
}

export function createWalScrubber(
  db: Database.Database,
  options: { readonly busyTimeoutMs: number; readonly delayMs?: number },
): WalScrubber {
  const delayMs = options.delayMs ?? WAL_SCRUB_DELAY_MS;
  let timer: NodeJS.Timeout | undefined;

  const scrubNow = (): boolean => {
    if (!db.open) return true;
    // Never wait for another process (the admin CLI) here: this runs on the event loop. If it
    // holds the database, the scrub is retried after another delay instead.
    db.pragma('busy_timeout = 0');
    try {
      const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointRow[];
      return row !== undefined && row.busy === 0 && row.log === 0;
    } catch (error) {
      if (isBusy(error)) return false;
      throw error;
    } finally {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    }
  };

  const request = (): void => {
    if (timer !== undefined || !db.open) return;
    timer = setTimeout(() => {
      timer = undefined;
      let done = false;
      try {
        done = scrubNow();
      } catch {
        // A failure here must not take the process down; the next request or close retries.
      }
      if (!done) request();
    }, delayMs);
    // A pending scrub does not keep the process alive; close() scrubs on the way out.
    timer.unref();
  };

  return {
    request,
    scrubNow,
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
