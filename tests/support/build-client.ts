// vitest's global setup: builds the web client once before any test file runs, when it is missing
// or stale (scripts/client-build.ts), so the test servers serve the current sources.
import { buildClient } from '../../scripts/client-build.js';
import { browserTestRootPublicKey } from './browser-organisation.js';

export default async function setup(): Promise<void> {
  // The build pins the browser tests' root (browser-organisation.ts), whose servers certify with
  // it; the variable is put back at once, so no test server or child process inherits it.
  const before = process.env.KOLOKOL_ROOT_PUBLIC_KEY;
  process.env.KOLOKOL_ROOT_PUBLIC_KEY = browserTestRootPublicKey();
  try {
    await buildClient();
  } finally {
    if (before === undefined) delete process.env.KOLOKOL_ROOT_PUBLIC_KEY;
    else process.env.KOLOKOL_ROOT_PUBLIC_KEY = before;
  }
}
