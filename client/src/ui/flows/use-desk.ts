// A screen's view-model for the signed-in client: made once per client, started when the screen
// shows, stopped when it goes (its push listeners and timers with it).
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { KolokolClient } from '@kolokol/client/core';

export interface Desk {
  start(): Promise<void>;
  stop(): void;
}

/** The desk and the failure of its first load, if any (shown in words; a reconnect reloads). */
export function useDesk<D extends Desk>(
  client: KolokolClient,
  make: (client: KolokolClient) => D,
): [D, unknown] {
  const desk = useMemo(() => make(client), [client]);
  const [problem, setProblem] = useState<unknown>(undefined);
  useEffect(() => {
    desk.start().catch(setProblem);
    return () => desk.stop();
  }, [desk]);
  return [desk, problem];
}
