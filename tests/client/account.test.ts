// Accounts through the client core: register (paying proof of work when the server asks), log
// in again on the same device with the passphrase alone, add a second device from the recovery
// kit, refuse a wrong passphrase or a missing account key without touching the server, log out
// and log out everywhere, and renew an expired session without the person noticing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CryptoError, parseRecoveryWords } from '@kolokol/shared/crypto';
import {
  KolokolClient,
  KolokolError,
  MemoryStorage,
  type SignedOutReason,
} from '@kolokol/client/core';
import { expectUnchanged } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  DEPLOYMENT,
  PASSPHRASE,
  eventually,
  newHandle,
  receivedTexts,
  registerMember,
  registerModerator,
} from './support.js';

let server: TestServer;
const clients: KolokolClient[] = [];
const options = (storage: MemoryStorage) => ({ url: server.url, deployment: DEPLOYMENT, storage });
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

describe('registering and logging in through the client core', () => {
  it('pays proof of work when the server asks for it', async () => {
    const busy = await startTestServer({ KOLOKOL_AUTH_CALM_REQUESTS_PER_MINUTE: '1' });
    const fetches = vi.spyOn(globalThis, 'fetch');
    try {
      const { client, kit } = await KolokolClient.register(
        { url: busy.url, deployment: DEPLOYMENT, storage: new MemoryStorage() },
        { handle: newHandle('busy'), passphrase: PASSPHRASE, role: 'volunteer' },
      );
      clients.push(client);
      const routes = fetches.mock.calls.map(([input]) =>
        typeof input === 'string' ? new URL(input).pathname : undefined,
      );
      expect(routes).toContain('/auth/puzzle');
      expect(client.role).toBe('volunteer');
      expect(kit.words).toHaveLength(12);
      expect((await client.call('session.whoami', {})).deviceId).toBe(client.deviceId);
    } finally {
      fetches.mockRestore();
      await busy.close();
    }
  });

  it('logs in again on the same device with the passphrase alone, as the same device', async () => {
    const member = await registerMember(server, 'contact');
    const { deviceId } = member.client;
    await member.client.logout();
    expect(member.client.connection.state.value).toBe('offline');
    const again = await KolokolClient.login(options(member.storage), {
      handle: member.handle.toUpperCase(), // typed any way: the handle is canonicalised
      passphrase: PASSPHRASE,
    });
    clients.push(again);
    expect(again.deviceId).toBe(deviceId);
    // The kit can be shown again from the device, with the passphrase only.
    expect((await again.recoveryKit(PASSPHRASE)).words).toEqual(member.kit.words);
    await expect(again.recoveryKit('not the passphrase at all')).rejects.toSatisfy(
      (error: unknown) => error instanceof CryptoError && error.reason === 'WRONG_PASSPHRASE',
    );
    const devices = await again.call('devices.list', {});
    expect(devices.accountId).toBe(again.accountId);
  });

  it('refuses a wrong passphrase on the device, and a device without account key, changing nothing', async () => {
    const member = await registerMember(server, 'contact');
    member.client.close();
    await expectUnchanged(server, async () => {
      await expect(
        KolokolClient.login(options(member.storage), {
          handle: member.handle,
          passphrase: 'not the passphrase at all',
        }),
      ).rejects.toSatisfy(
        (error: unknown) => error instanceof CryptoError && error.reason === 'WRONG_PASSPHRASE',
      );
      await expect(
        KolokolClient.login(options(new MemoryStorage()), {
          handle: member.handle,
          passphrase: PASSPHRASE,
        }),
      ).rejects.toSatisfy(
        (error: unknown) => error instanceof KolokolError && error.code === 'BAD_REQUEST',
      );
    });
  });

  it('adds a second device from the recovery kit, and a peer then reaches both devices', async () => {
    const moderator = await registerModerator(server);
    const first = await registerMember(server, 'contact');
    clients.push(moderator.client, first.client);
    const conversation = await moderator.client.conversations.open(first.client.accountId);
    const onFirst = receivedTexts(first.client);
    await moderator.client.conversations.send(conversation.id, 'one device');
    await eventually(() => onFirst.length === 1);

    // The kit's words, typed on a new phone (its own, empty storage).
    const accountKey = parseRecoveryWords(first.kit.words.join(' '));
    expect(accountKey).toEqual(first.accountKey);
    const second = await KolokolClient.login(options(new MemoryStorage()), {
      handle: first.handle,
      passphrase: PASSPHRASE,
      accountKey,
    });
    clients.push(second);
    expect(second.deviceId).not.toBe(first.client.deviceId);
    expect(second.accountId).toBe(first.client.accountId);

    const onSecond = receivedTexts(second);
    // The moderator's pinned list names one device: the server says it changed, the core
    // fetches the new list and bundles, and sends to both.
    await moderator.client.conversations.send(conversation.id, 'two devices');
    await eventually(() => onFirst.length === 2 && onSecond.length === 1);
    expect(onFirst).toEqual(['one device', 'two devices']);
    expect(onSecond).toEqual(['two devices']);
  });

  it('logs out everywhere: every other client of the account is told and goes offline', async () => {
    const member = await registerMember(server, 'volunteer');
    const other = await KolokolClient.login(options(new MemoryStorage()), {
      handle: member.handle,
      passphrase: PASSPHRASE,
      accountKey: member.accountKey,
    });
    clients.push(other);
    const reasons: SignedOutReason[] = [];
    other.signedOut.on((reason) => reasons.push(reason));
    expect(await member.client.logoutEverywhere()).toBe(2);
    await eventually(() => reasons.length === 1);
    expect(reasons).toEqual(['logout_all']);
    expect(other.connection.state.value).toBe('offline');
    await expect(other.call('session.whoami', {})).rejects.toSatisfy(
      (error: unknown) => error instanceof KolokolError && error.code === 'UNAVAILABLE',
    );
  });
});

describe('an expiring session', () => {
  let short: TestServer;
  beforeAll(async () => {
    short = await startTestServer({
      KOLOKOL_SESSION_TTL_SECONDS: '2',
      KOLOKOL_SESSION_RECHECK_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await short.close();
  });

  it('is renewed with the login key held in memory, and the connection comes back', async () => {
    const { client } = await KolokolClient.register(
      { url: short.url, deployment: DEPLOYMENT, storage: new MemoryStorage() },
      { handle: newHandle('expiring'), passphrase: PASSPHRASE, role: 'contact' },
    );
    clients.push(client);
    const signedOut: SignedOutReason[] = [];
    client.signedOut.on((reason) => signedOut.push(reason));
    const seen: string[] = [];
    client.connection.state.subscribe((state) => seen.push(state));
    await eventually(
      () => seen.includes('offline') && client.connection.state.value === 'connected',
    );
    expect(signedOut).toEqual([]);
    expect((await client.call('session.whoami', {})).deviceId).toBe(client.deviceId);
  });
});
