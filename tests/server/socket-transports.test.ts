// An engine.io connection id (sid) is never a credential. By default the server speaks websocket
// only and refuses every request that carries a sid; with KOLOKOL_ALLOW_POLLING every polling
// request must also carry the session token the connection was opened with.
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, toBase64Url } from '@kolokol/shared';
import { newId } from '../../server/src/domain/secrets.js';
import {
  call,
  closeAllSockets,
  connect,
  connectWithToken,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { expectUnchanged } from '../support/assertions.js';
import { envelopeBody } from '../support/conversations.js';
import { addDevice, type TestDevice } from '../support/keys.js';
import { enrolStaff } from '../support/staff.js';
import { testServers, type TestServer } from '../support/server.js';

const servers = testServers();
afterEach(async () => {
  closeAllSockets();
  await servers.closeAll();
});

const enginePath = (query: string) => `/socket.io/?EIO=4&${query}`;

/** A websocket upgrade request; resolves with 101 when the server accepts it, else its status. */
function upgradeStatus(server: TestServer, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: server.port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
    });
    req.once('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.once('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

/**
 * A victim's device with one unacknowledged message from a moderator in their conversation, to
 * see whether anyone acks or reads it.
 */
async function victimWithMail(server: TestServer) {
  const moderator = await addDevice(server.url, await enrolStaff(server, 'moderator'));
  const victim = await addDevice(server.url, await registerAndLogin(server.url, 'victim'));
  victim.socket.close();
  const opened = await call(moderator.socket, 'conversations.open', { peer: victim.accountId });
  if (!opened.ok) throw new Error(`conversations.open failed: ${opened.error.code}`);
  const conversation = opened.data.conversation.id;
  const sent = await call(moderator.socket, 'conversations.send', {
    conversation,
    clientId: newId(),
    envelopes: [{ device: victim.deviceId, body: envelopeBody() }],
  });
  if (!sent.ok) throw new Error(`conversations.send failed: ${sent.error.code}`);
  return { victim, conversation, seq: sent.data.seq };
}

/** A polling socket; acting as `device` when given (its proof over the token in `auth`). */
function pollingSocket(
  server: TestServer,
  token: string,
  device?: TestDevice,
): Promise<ClientSocket> {
  const auth = device
    ? {
        token,
        protocol: PROTOCOL_VERSION,
        device: { id: device.deviceId, signature: toBase64Url(device.prekeys.signSession(token)) },
      }
    : { token, protocol: PROTOCOL_VERSION };
  return connect(server.url, auth, {
    transports: ['polling'],
    extraHeaders: { authorization: `Bearer ${token}` },
  });
}

describe('by default (websocket only)', () => {
  it('refuses long-polling', async () => {
    const server = await servers.start();
    const { token } = await registerAndLogin(server.url, 'poller');
    const response = await fetch(`${server.url}${enginePath('transport=polling')}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(400);
    await expect(pollingSocket(server, token)).rejects.toThrow();
  });

  it('refuses a websocket "upgrade" carrying another connection’s sid', async () => {
    const server = await servers.start();
    const { token } = await registerAndLogin(server.url, 'owner');
    const owner = await connectWithToken(server.url, token);
    const sid = owner.io.engine.id;
    expect(await upgradeStatus(server, enginePath(`transport=websocket&sid=${sid}`))).toBe(400);
    expect(await call(owner, 'session.whoami', {})).toMatchObject({ ok: true });
    // A websocket without a sid is how every client connects.
    expect(await upgradeStatus(server, enginePath('transport=websocket'))).toBe(101);
  });
});

describe('with KOLOKOL_ALLOW_POLLING=true', () => {
  it('the real client works over polling with its token as a bearer header', async () => {
    const server = await servers.start({ KOLOKOL_ALLOW_POLLING: 'true' });
    const { victim, conversation, seq } = await victimWithMail(server);
    const socket = await pollingSocket(server, victim.token, victim);
    expect(socket.io.engine.transport.name).toBe('polling');
    const fetched = await call(socket, 'conversations.fetch', { conversation, after: 0 });
    expect(fetched).toMatchObject({ ok: true, data: { messages: [{ conversation, seq }] } });
    expect(await call(socket, 'conversations.ack', { conversation, seq })).toEqual({
      ok: true,
      data: { ackedSeq: seq },
    });
    expect(await call(socket, 'conversations.fetch', { conversation, after: 0 })).toEqual({
      ok: true,
      data: { messages: [] },
    });
  });

  it.each([
    ['no credentials', () => ({})],
    ['another session’s token', (other: string) => ({ authorization: `Bearer ${other}` })],
    ['a malformed header', () => ({ authorization: 'Bearer' })],
  ])(
    'refuses a POST with the victim’s sid and %s; the victim’s mail is untouched',
    async (_name, headers) => {
      const server = await servers.start({ KOLOKOL_ALLOW_POLLING: 'true' });
      const { victim, conversation, seq } = await victimWithMail(server);
      const attacker = await registerAndLogin(server.url, 'attacker');
      const socket = await pollingSocket(server, victim.token, victim);
      const sid = socket.io.engine.id;
      const url = `${server.url}${enginePath(`transport=polling&sid=${sid}`)}`;
      await expectUnchanged(server, async () => {
        const post = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'text/plain', ...headers(attacker.token) },
          body: `42${JSON.stringify(['conversations.ack', { conversation, seq }])}`,
        });
        expect(post.status).toBe(400);
        // Nor can the sid read the victim's pushes and acks.
        const get = await fetch(url, { headers: headers(attacker.token) });
        expect(get.status).toBe(400);
      });
      expect(await call(socket, 'conversations.fetch', { conversation, after: 0 })).toMatchObject({
        ok: true,
        data: { messages: [{ conversation, seq }] },
      });
    },
  );

  it('refuses a polling handshake without a bearer token', async () => {
    const server = await servers.start({ KOLOKOL_ALLOW_POLLING: 'true' });
    const response = await fetch(`${server.url}${enginePath('transport=polling')}`);
    expect(response.status).toBe(400);
  });

  it('refuses a CONNECT whose token is not the one the polling requests carry', async () => {
    const server = await servers.start({ KOLOKOL_ALLOW_POLLING: 'true' });
    const one = await registerAndLogin(server.url, 'one');
    const two = await registerAndLogin(server.url, 'two');
    await expect(
      connect(
        server.url,
        { token: two.token, protocol: PROTOCOL_VERSION },
        { transports: ['polling'], extraHeaders: { authorization: `Bearer ${one.token}` } },
      ),
    ).rejects.toMatchObject({ data: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a websocket upgrade of a polling connection without its token', async () => {
    const server = await servers.start({ KOLOKOL_ALLOW_POLLING: 'true' });
    const { token } = await registerAndLogin(server.url, 'upgrader');
    const socket = await pollingSocket(server, token);
    const sid = socket.io.engine.id;
    expect(await upgradeStatus(server, enginePath(`transport=websocket&sid=${sid}`))).toBe(400);
    expect(await call(socket, 'session.whoami', {})).toMatchObject({ ok: true });
  });
});
