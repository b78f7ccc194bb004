// A session that expires while its socket is open: an event gets its UNAUTHENTICATED ack first,
// then `session.revoked` with reason "expired", then the disconnect; an idle socket is told
// "expired" by the periodic recheck, and a session ended elsewhere is told "revoked".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionRevoked } from '@kolokol/shared';
import {
  closeAllSockets,
  connectWithToken,
  registerAndLogin,
  waitForDisconnect,
  type ClientSocket,
} from '../support/client.js';
import { expectUnchanged } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/server.js';

const TTL_SECONDS = 2;

/** Rechecks every second: idle sockets are ended by the periodic recheck. */
let server: TestServer;
/** Never rechecks during a test: only an event can notice the expiry. */
let quiet: TestServer;
beforeAll(async () => {
  const ttl = { KOLOKOL_SESSION_TTL_SECONDS: String(TTL_SECONDS) };
  server = await startTestServer({ ...ttl, KOLOKOL_SESSION_RECHECK_SECONDS: '1' });
  quiet = await startTestServer({ ...ttl, KOLOKOL_SESSION_RECHECK_SECONDS: '3600' });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
  await quiet.close();
});

/** Everything the socket receives, in order: pushes and the disconnect. */
function record(socket: ClientSocket): string[] {
  const seen: string[] = [];
  socket.on('session.revoked', (event: SessionRevoked) => seen.push(`revoked:${event.reason}`));
  socket.on('disconnect', () => seen.push('disconnect'));
  return seen;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('session expiry on an open socket', () => {
  it('answers an event after expiry with UNAUTHENTICATED, then pushes session.revoked "expired", then disconnects', async () => {
    const { token } = await registerAndLogin(quiet.url, 'expiring');
    const socket = await connectWithToken(quiet.url, token);
    const seen = record(socket);
    await sleep(TTL_SECONDS * 1000 + 100);
    expect(socket.connected).toBe(true);
    await expectUnchanged(quiet, async () => {
      const gone = waitForDisconnect(socket);
      // The ack callback itself records the answer, in the order packets arrive.
      socket.emit('session.whoami', {}, (ack) =>
        seen.push(`ack:${ack.ok ? 'ok' : ack.error.code}`),
      );
      await gone;
    });
    expect(seen).toEqual(['ack:UNAUTHENTICATED', 'revoked:expired', 'disconnect']);
  });

  it('tells an idle socket whose session expired "expired", not "revoked"', async () => {
    const { token } = await registerAndLogin(server.url, 'idle');
    const socket = await connectWithToken(server.url, token);
    const seen = record(socket);
    await waitForDisconnect(socket, TTL_SECONDS * 1000 + 5000);
    expect(seen).toEqual(['revoked:expired', 'disconnect']);
  });

  it('tells a socket whose session was ended by another process "revoked"', async () => {
    const { token, accountId } = await registerAndLogin(server.url, 'elsewhere');
    const socket = await connectWithToken(server.url, token);
    const seen = record(socket);
    // As the admin CLI does: straight to the store, no in-process revocation event.
    await server.store.sessions.revokeAllForAccount(accountId, Date.now());
    await waitForDisconnect(socket, 5000);
    expect(seen).toEqual(['revoked:revoked', 'disconnect']);
  });
});
