// Where a `dangerousTestOnly…` escape hatch asks whether it may work: only inside a vitest run.
// shared runs in browsers too, so `process` is read through globalThis and may be absent.

/** True only in a test run (vitest sets VITEST=true in every worker and in processes they spawn). */
export function isTestRun(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.VITEST === 'true';
}
