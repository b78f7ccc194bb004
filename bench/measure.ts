// Shared measuring helpers for `npm run bench`: run a function for a fixed wall time
// after a warm-up and report operations per second.

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  better: 'higher' | 'lower';
  /** Name of the baseline measured in the same run, when this result is a ratio against it. */
  baseline?: string;
  ratio?: number;
  /** Optional target from the issue or design, for the printed table. */
  target?: number;
}

export async function opsPerSecond(
  operation: () => unknown,
  { warmupMs = 200, durationMs = 1500 }: { warmupMs?: number; durationMs?: number } = {},
): Promise<number> {
  const runFor = async (ms: number): Promise<{ ops: number; elapsed: number }> => {
    const start = performance.now();
    let ops = 0;
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 10; i += 1) await operation();
      ops += 10;
      now = performance.now();
    }
    return { ops, elapsed: now - start };
  };
  await runFor(warmupMs);
  const { ops, elapsed } = await runFor(durationMs);
  return (ops * 1000) / elapsed;
}
