// Runs what a button starts (an async action) once at a time: `busy` while it runs, and the
// failure in words (errors.ts) when it fails, for the screen to show.
import { useState } from 'preact/hooks';
import { describeError, type Activity } from '../errors.js';

export interface Action {
  readonly busy: boolean;
  readonly error: string | undefined;
  run(work: () => Promise<void>): Promise<void>;
  fail(message: string): void;
}

export function useAction(activity: Activity = 'other'): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  return {
    busy,
    error,
    async run(work) {
      if (busy) return;
      setBusy(true);
      setError(undefined);
      try {
        await work();
      } catch (failure) {
        setError(describeError(failure, activity));
      } finally {
        setBusy(false);
      }
    },
    fail: setError,
  };
}
