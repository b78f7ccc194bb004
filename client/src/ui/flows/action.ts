// A button's action: busy while it runs (the button disabled, so nothing is sent twice), its
// failure kept for ErrorNotice, cleared by the next attempt.
import { useState } from 'preact/hooks';

export interface Action {
  readonly busy: boolean;
  readonly error: unknown;
  run(work: () => Promise<void>): void;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  return {
    busy,
    error,
    run(work) {
      if (busy) return;
      setBusy(true);
      setError(undefined);
      work()
        .catch(setError)
        .finally(() => setBusy(false));
    },
  };
}
