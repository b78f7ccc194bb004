import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/test/**/*.test.ts', 'server/test/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Builds the web client (when stale) once for the whole run: tests/browser serves it.
    globalSetup: ['./tests/support/build-client.ts'],
    reporters: ['default', './tests/support/summary-reporter.ts'],
  },
});
