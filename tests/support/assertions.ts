// Assertions shared by the integration tests: a refusal must carry the expected code and
// leave every table of the real store exactly as it was.
import { expect } from 'vitest';
import type { TestServer } from './server.js';

/** Runs `work` and asserts the store is byte-for-byte unchanged afterwards; returns its result. */
export async function expectUnchanged<T>(server: TestServer, work: () => Promise<T>): Promise<T> {
  const before = server.snapshot();
  const result = await work();
  expect(server.snapshot()).toEqual(before);
  return result;
}

/** Asserts `send` answers `{ ok: false, error: { code } }` and changes nothing in the store. */
export async function expectRefusedUnchanged(
  server: TestServer,
  send: () => Promise<unknown>,
  code: string,
): Promise<void> {
  const answer = await expectUnchanged(server, send);
  expect(answer).toMatchObject({ ok: false, error: { code } });
}
