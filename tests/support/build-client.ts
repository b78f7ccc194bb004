// vitest's global setup: builds the web client once before any test file runs, when it is missing
// or stale (scripts/client-build.ts), so the test servers serve the current sources.
import { buildClient } from '../../scripts/client-build.js';

export default async function setup(): Promise<void> {
  await buildClient();
}
