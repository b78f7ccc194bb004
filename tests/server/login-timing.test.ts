// An unknown handle must not be told apart from a bad signature by how long login takes.
// Over many interleaved tries, the medians of the two failure kinds must agree within
// 0.5 ms or 20 % of the median, whichever is larger. (Network round trip on loopback is
// the same for both; what is measured is the server's path.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ed25519KeyPair } from '@kolokol/shared/crypto';
import { challenge, loginBody, newTestAccount, post, register } from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TRIES = 150;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ KOLOKOL_LOG_LEVEL: 'info' });
});
afterAll(async () => {
  await server.close();
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timedFailure(handle: string): Promise<number> {
  const issued = await challenge(server.url, handle);
  const body = loginBody(handle, ed25519KeyPair(), issued);
  const started = performance.now();
  const response = await post(server.url, '/auth/login', body);
  const elapsed = performance.now() - started;
  expect(response.status).toBe(401);
  expect(response.body).toEqual({
    ok: false,
    error: { code: 'UNAUTHENTICATED', message: 'login failed' },
  });
  return elapsed;
}

it('unknown-handle and bad-signature failures take the same time and say the same thing', async () => {
  const account = newTestAccount('timing');
  await register(server.url, account);
  for (let i = 0; i < 20; i += 1) {
    await timedFailure(account.handle);
    await timedFailure(`ghost${i}`);
  }
  const badSignature: number[] = [];
  const unknownHandle: number[] = [];
  for (let i = 0; i < TRIES; i += 1) {
    badSignature.push(await timedFailure(account.handle));
    unknownHandle.push(await timedFailure(`nobody${i}`));
  }
  const known = median(badSignature);
  const unknown = median(unknownHandle);
  const tolerance = Math.max(0.5, 0.2 * Math.max(known, unknown));
  console.log(
    `login failure medians: bad signature ${known.toFixed(3)} ms, unknown handle ${unknown.toFixed(3)} ms`,
  );
  expect(Math.abs(known - unknown)).toBeLessThan(tolerance);
});
