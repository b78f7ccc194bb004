// Every malformed, oversized or unauthorised socket event or handshake gets a typed error
// (or, for abuse, a disconnect), the process stays up, and nothing in the store changes.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, type ProtocolError } from '@kolokol/shared';
import { MAX_STRIKES } from '../../server/src/realtime/limits.js';
import {
  call,
  closeAllSockets,
  connect,
  connectWithToken,
  rawCall,
  registerAndLogin,
  waitForDisconnect,
} from '../support/client.js';
import { expectUnchanged } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer({
    KOLOKOL_MAX_SOCKET_MESSAGE_BYTES: '65536',
    KOLOKOL_MAX_SOCKETS_PER_ACCOUNT: '3',
  });
  ({ token } = await registerAndLogin(server.url, 'sock'));
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await server.close();
});

describe('the event router', () => {
  it.each([
    ['an unknown event', 'no.such.event', [{}], 'BAD_REQUEST'],
    ['a string payload', 'session.whoami', ['hello'], 'BAD_REQUEST'],
    ['a number payload', 'session.whoami', [42], 'BAD_REQUEST'],
    ['a null payload', 'session.whoami', [null], 'BAD_REQUEST'],
    ['an array payload', 'session.whoami', [[]], 'BAD_REQUEST'],
    ['no payload at all', 'session.whoami', [], 'BAD_REQUEST'],
    ['two payloads', 'session.whoami', [{}, {}], 'BAD_REQUEST'],
    ['a field the schema does not know', 'session.whoami', [{ admin: true }], 'BAD_REQUEST'],
    [
      'a payload over the event’s size limit',
      'session.whoami',
      [{ pad: 'x'.repeat(1000) }],
      'PAYLOAD_TOO_LARGE',
    ],
  ] as const)('answers %s with a typed error ack', async (_name, event, args, code) => {
    const socket = await connectWithToken(server.url, token);
    const ack = await expectUnchanged(server, () => rawCall(socket, event, ...args));
    expect(ack).toMatchObject({ ok: false, error: { code } });
    expect(await call(socket, 'session.whoami', {})).toMatchObject({ ok: true });
  });

  it('answers an event without an ack callback with a protocol.error push', async () => {
    const socket = await connectWithToken(server.url, token);
    const pushed = new Promise<ProtocolError>((resolve) => socket.once('protocol.error', resolve));
    await expectUnchanged(server, async () => {
      (socket as unknown as { emit(event: string, payload: unknown): void }).emit(
        'session.whoami',
        {},
      );
      expect(await pushed).toMatchObject({ code: 'BAD_REQUEST' });
    });
  });

  it('disconnects a socket that sends a message over the transport limit; the server stays up', async () => {
    const socket = await connectWithToken(server.url, token);
    const gone = waitForDisconnect(socket);
    await expectUnchanged(server, async () => {
      (socket as unknown as { emit(event: string, payload: unknown): void }).emit(
        'session.whoami',
        {
          pad: 'x'.repeat(100_000),
        },
      );
      await gone;
    });
    const again = await connectWithToken(server.url, token);
    expect(await call(again, 'session.whoami', {})).toMatchObject({ ok: true });
  });

  it(`disconnects a socket after ${MAX_STRIKES} bad events`, async () => {
    const socket = await connectWithToken(server.url, token);
    const gone = waitForDisconnect(socket);
    await expectUnchanged(server, async () => {
      for (let i = 0; i < MAX_STRIKES - 1; i += 1) {
        expect(await rawCall(socket, 'session.whoami', 'bad')).toMatchObject({ ok: false });
      }
      expect(socket.connected).toBe(true);
      void rawCall(socket, 'session.whoami', 'bad').catch(() => undefined);
      await gone;
    });
  });

  it('rate-limits a burst of events per session', async () => {
    const slow = await startTestServer({ KOLOKOL_SOCKET_EVENTS_PER_SECOND: '5' });
    try {
      const { token: slowToken } = await registerAndLogin(slow.url, 'burst');
      const socket = await connectWithToken(slow.url, slowToken);
      const acks = await Promise.all(
        Array.from({ length: 8 }, () => call(socket, 'session.whoami', {})),
      );
      expect(acks.filter((ack) => ack.ok)).toHaveLength(5);
      expect(acks.filter((ack) => !ack.ok && ack.error.code === 'RATE_LIMITED')).toHaveLength(3);
    } finally {
      closeAllSockets();
      await slow.close();
    }
  });
});

describe('the handshake', () => {
  it.each([
    ['no auth at all', {}, 'BAD_REQUEST'],
    ['no protocol version', { token: 'x' }, 'BAD_REQUEST'],
    ['a protocol that is not a version', { token: 'x', protocol: 'latest' }, 'UNSUPPORTED_VERSION'],
    ['an unknown token', { token: 'A'.repeat(43), protocol: PROTOCOL_VERSION }, 'UNAUTHENTICATED'],
    ['a garbage token', { token: '../../etc', protocol: PROTOCOL_VERSION }, 'UNAUTHENTICATED'],
    ['an extra field', { token: 'x', protocol: PROTOCOL_VERSION, admin: true }, 'BAD_REQUEST'],
  ])('refuses %s', async (_name, auth, code) => {
    await expectUnchanged(server, async () => {
      await expect(connect(server.url, auth)).rejects.toMatchObject({ data: { code } });
    });
  });

  it('refuses more open sockets per account than allowed', async () => {
    const { token: busy } = await registerAndLogin(server.url, 'busy');
    for (let i = 0; i < 3; i += 1) await connectWithToken(server.url, busy);
    await expect(connectWithToken(server.url, busy)).rejects.toMatchObject({
      data: { code: 'RATE_LIMITED' },
    });
  });

  it('checks Origin against the allowlist on websocket and polling alike', async () => {
    // Polling is off unless allowed (see socket-transports.test.ts), so it runs on its own server,
    // where every polling request carries the session token as a bearer header.
    const polling = await startTestServer({ KOLOKOL_ALLOW_POLLING: 'true' });
    try {
      const { token: pollingToken } = await registerAndLogin(polling.url, 'origin');
      const cases = [
        { target: server, transport: 'websocket', token },
        { target: polling, transport: 'polling', token: pollingToken },
      ] as const;
      for (const { target, transport, token: bearer } of cases) {
        const auth = { token: bearer, protocol: PROTOCOL_VERSION };
        const headers = { authorization: `Bearer ${bearer}` };
        await expect(
          connect(target.url, auth, {
            transports: [transport],
            extraHeaders: { ...headers, origin: 'https://evil.example' },
          }),
        ).rejects.toThrow();
        const allowed = await connect(target.url, auth, {
          transports: [transport],
          extraHeaders: { ...headers, origin: target.config.allowedOrigins[0]! },
        });
        expect(allowed.connected).toBe(true);
        allowed.close();
      }
    } finally {
      closeAllSockets();
      await polling.close();
    }
  });
});
