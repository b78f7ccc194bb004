// Per-account socket limits hold however the sockets are opened: the open-socket count cannot be
// raced (many CONNECT packets in one polling POST, many connections at once), and neither
// reconnecting nor logging in again buys a fresh event budget.
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@kolokol/shared';
import {
  call,
  closeAllSockets,
  connectWithToken,
  login,
  registerAndLogin,
} from '../support/client.js';
import { closeAllRaw, openRaw } from '../support/raw-socket.js';
import { testServers, type TestServer } from '../support/server.js';

const servers = testServers();
afterEach(async () => {
  closeAllRaw();
  closeAllSockets();
  await servers.closeAll();
});

/** Sockets the server holds for the account right now. */
function openSockets(server: TestServer, accountId: string): number {
  let count = 0;
  for (const socket of server.server.realtime.io.of('/').sockets.values()) {
    if (socket.data.accountId === accountId) count += 1;
  }
  return count;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('open sockets per account', () => {
  it('200 CONNECT packets in one long-polling POST open at most the allowed sockets', async () => {
    const server = await servers.start({
      KOLOKOL_MAX_SOCKETS_PER_ACCOUNT: '3',
      KOLOKOL_ALLOW_POLLING: 'true',
    });
    const { token, accountId } = await registerAndLogin(server.url, 'flood');
    const headers = { authorization: `Bearer ${token}` };
    const base = `${server.url}/socket.io/?EIO=4&transport=polling`;
    const open = await fetch(base, { headers });
    expect(open.status).toBe(200);
    const { sid } = JSON.parse((await open.text()).slice(1)) as { sid: string };
    const connect = `40${JSON.stringify({ token, protocol: PROTOCOL_VERSION })}`;
    const body = Array.from({ length: 200 }, () => connect).join('\x1e');
    await fetch(`${base}&sid=${sid}`, { method: 'POST', headers, body }).then((r) => r.text());
    await settle(500);
    expect(openSockets(server, accountId)).toBeLessThanOrEqual(1);
    expect(server.server.realtime.slots.count(accountId)).toBeLessThanOrEqual(1);
  });

  it('200 CONNECT packets in a burst on one websocket open at most one socket', async () => {
    const server = await servers.start({ KOLOKOL_MAX_SOCKETS_PER_ACCOUNT: '3' });
    const { token, accountId } = await registerAndLogin(server.url, 'burst');
    const raw = await openRaw(server.url);
    const connect = `0${JSON.stringify({ token, protocol: PROTOCOL_VERSION })}`;
    for (let i = 0; i < 200; i += 1) raw.send(connect);
    await raw.flushed();
    await settle(500);
    expect(openSockets(server, accountId)).toBeLessThanOrEqual(1);
  });

  it('20 connections at once open exactly the allowed 3; closing them frees the slots', async () => {
    const server = await servers.start({ KOLOKOL_MAX_SOCKETS_PER_ACCOUNT: '3' });
    const { token, accountId } = await registerAndLogin(server.url, 'race');
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => connectWithToken(server.url, token)),
    );
    const opened = results.filter((result) => result.status === 'fulfilled');
    expect(opened).toHaveLength(3);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect(result.reason).toMatchObject({ data: { code: 'RATE_LIMITED' } });
      }
    }
    expect(openSockets(server, accountId)).toBe(3);
    closeAllSockets();
    await settle(300);
    expect(server.server.realtime.slots.count(accountId)).toBe(0);
    const again = await connectWithToken(server.url, token);
    expect(await call(again, 'session.whoami', {})).toMatchObject({ ok: true });
  });

  it('a connection that leaves during its handshake gives its slot back', async () => {
    const server = await servers.start({ KOLOKOL_MAX_SOCKETS_PER_ACCOUNT: '1' });
    const { token, accountId } = await registerAndLogin(server.url, 'leaver');
    for (let i = 0; i < 5; i += 1) {
      const raw = await openRaw(server.url);
      raw.send(`0${JSON.stringify({ token, protocol: PROTOCOL_VERSION })}`);
      raw.close();
    }
    await settle(500);
    expect(server.server.realtime.slots.count(accountId)).toBe(0);
    const socket = await connectWithToken(server.url, token);
    expect(await call(socket, 'session.whoami', {})).toMatchObject({ ok: true });
  });
});

describe('event budgets', () => {
  it('reconnecting in a loop does not reset the budget: one account stays at its nominal rate', async () => {
    const perSecond = 5;
    const server = await servers.start({
      KOLOKOL_SOCKET_EVENTS_PER_SECOND: String(perSecond),
      KOLOKOL_ACCOUNT_EVENTS_PER_SECOND: String(perSecond),
    });
    const { token } = await registerAndLogin(server.url, 'reconnect');
    const started = performance.now();
    let accepted = 0;
    const reconnects = 20;
    for (let i = 0; i < reconnects; i += 1) {
      const socket = await connectWithToken(server.url, token);
      const acks = await Promise.all(
        Array.from({ length: perSecond }, () => call(socket, 'session.whoami', {})),
      );
      accepted += acks.filter((ack) => ack.ok).length;
      for (const ack of acks) if (!ack.ok) expect(ack.error.code).toBe('RATE_LIMITED');
      socket.close();
    }
    const seconds = (performance.now() - started) / 1000;
    // A fixed one-second window: at most `perSecond` in each window the loop touched.
    expect(accepted).toBeLessThanOrEqual(perSecond * (Math.ceil(seconds) + 1));
    // Per-socket budgets (the old behaviour) would have accepted every one of them.
    expect(accepted).toBeLessThan(reconnects * perSecond);
  });

  it('several sessions of one account share the account budget', async () => {
    const server = await servers.start({
      KOLOKOL_SOCKET_EVENTS_PER_SECOND: '5',
      KOLOKOL_ACCOUNT_EVENTS_PER_SECOND: '8',
    });
    const { account, token } = await registerAndLogin(server.url, 'sessions');
    const tokens = [token, await login(server.url, account), await login(server.url, account)];
    const sockets = await Promise.all(tokens.map((t) => connectWithToken(server.url, t)));
    const acks = await Promise.all(
      sockets.flatMap((socket) =>
        Array.from({ length: 5 }, () => call(socket, 'session.whoami', {})),
      ),
    );
    // 15 sent in one burst (one window): 5 allowed per session, 8 for the account.
    expect(acks.filter((ack) => ack.ok)).toHaveLength(8);
    for (const ack of acks) if (!ack.ok) expect(ack.error.code).toBe('RATE_LIMITED');
  });

  it('limits new socket connections per account per minute', async () => {
    const server = await servers.start({ KOLOKOL_SOCKET_CONNECTS_PER_ACCOUNT_PER_MINUTE: '4' });
    const { token } = await registerAndLogin(server.url, 'churn');
    for (let i = 0; i < 4; i += 1) {
      const socket = await connectWithToken(server.url, token);
      socket.close();
    }
    await expect(connectWithToken(server.url, token)).rejects.toMatchObject({
      data: { code: 'RATE_LIMITED' },
    });
    // Another account is not affected.
    const other = await registerAndLogin(server.url, 'calm');
    expect(await connectWithToken(server.url, other.token)).toBeTruthy();
  });
});
