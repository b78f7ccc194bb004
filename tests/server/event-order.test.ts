// docs/protocol.md, "Every event", lists the router's checks in order; an event that breaks two
// rules gets the earlier one's code. Each case here breaks two neighbouring rules.
import { afterEach, expect, it } from 'vitest';
import {
  call,
  closeAllSockets,
  connectWithToken,
  rawCall,
  registerAndLogin,
} from '../support/client.js';
import { testServers } from '../support/server.js';

const servers = testServers();
afterEach(async () => {
  closeAllSockets();
  await servers.closeAll();
});

async function contactSocket(env: Record<string, string> = {}) {
  const server = await servers.start(env);
  const { token } = await registerAndLogin(server.url, 'order');
  return { server, socket: await connectWithToken(server.url, token) };
}

it('2 before 3: during shutdown even an unknown event gets UNAVAILABLE', async () => {
  const { server, socket } = await contactSocket();
  const closing = server.server.close();
  expect(await rawCall(socket, 'no.such.event', {})).toMatchObject({
    ok: false,
    error: { code: 'UNAVAILABLE' },
  });
  await closing;
});

it('3 before 4: an unknown event with a large payload is BAD_REQUEST', async () => {
  const { socket } = await contactSocket();
  expect(await rawCall(socket, 'no.such.event', { pad: 'x'.repeat(4000) })).toMatchObject({
    ok: false,
    error: { code: 'BAD_REQUEST' },
  });
});

it('4 before 5 before 7: size, then rate, then schema', async () => {
  const { socket } = await contactSocket({ KOLOKOL_SOCKET_EVENTS_PER_SECOND: '1' });
  expect(await call(socket, 'session.whoami', {})).toMatchObject({ ok: true });
  // The budget for this second is spent: an oversized payload is still PAYLOAD_TOO_LARGE…
  expect(await rawCall(socket, 'session.whoami', { pad: 'x'.repeat(1000) })).toMatchObject({
    ok: false,
    error: { code: 'PAYLOAD_TOO_LARGE' },
  });
  // …and a small one that fails the schema is RATE_LIMITED.
  expect(await rawCall(socket, 'session.whoami', { extra: true })).toMatchObject({
    ok: false,
    error: { code: 'RATE_LIMITED' },
  });
});

it('7 before 8: a contact sending an admin event gets BAD_REQUEST for a bad payload, FORBIDDEN for a good one', async () => {
  const { socket } = await contactSocket();
  expect(await rawCall(socket, 'revocations.publish', { revocationList: 42 })).toMatchObject({
    ok: false,
    error: { code: 'BAD_REQUEST' },
  });
  expect(await rawCall(socket, 'revocations.publish', { revocationList: 'AAAA' })).toMatchObject({
    ok: false,
    error: { code: 'FORBIDDEN' },
  });
});
