// Devices and panic through the client core, against the real server: the device list verified
// against the account's identity, a device removed by another (signed here, the removed one
// signed out), and panic — storage erased at once, no later write, the session ended best effort
// without waiting on the network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, parseRecoveryWords } from '@kolokol/shared/crypto';
import { KolokolClient, KolokolError, MemoryStorage } from '@kolokol/client/core';
import { expectUnchanged } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  DEPLOYMENT,
  PASSPHRASE,
  eventually,
  randomText,
  receivedTexts,
  registerMember,
  registerModerator,
  type Member,
} from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

/** The account's sessions the server still honours (logout marks one revoked). */
const sessionsOf = (accountId: string) =>
  (server.snapshot().sessions ?? [])
    .map((row) => JSON.parse(row as string) as { account_id: string; revoked_at: number | null })
    .filter((row) => row.account_id === accountId && row.revoked_at === null).length;

describe('devices through the client core', () => {
  it('lists the verified devices and removes one; the removed device is signed out', async () => {
    const phone = await registerMember(server, 'volunteer');
    const laptop = await KolokolClient.login(
      { url: server.url, deployment: DEPLOYMENT, storage: new MemoryStorage() },
      {
        handle: phone.handle,
        passphrase: PASSPHRASE,
        accountKey: parseRecoveryWords(phone.kit.words.join(' ')),
      },
    );
    try {
      const listed = await phone.client.devices.list();
      expect(listed.devices.map((device) => device.deviceId).sort()).toEqual(
        [phone.client.deviceId, laptop.deviceId].sort(),
      );
      const told = new Promise((resolve) => laptop.signedOut.on(resolve));
      const { version } = await phone.client.devices.remove(laptop.deviceId);
      expect(version).toBe(listed.version + 1);
      expect(await told).toBe('device_removed');
      expect((await phone.client.devices.list()).devices.map((d) => d.deviceId)).toEqual([
        phone.client.deviceId,
      ]);

      // A device the verified list does not name: refused on the device, nothing sent.
      await expectUnchanged(server, () =>
        expect(phone.client.devices.remove(laptop.deviceId)).rejects.toSatisfy(
          (error: unknown) => error instanceof CryptoError && error.reason === 'BAD_KEY',
        ),
      );
    } finally {
      phone.client.close();
      laptop.close();
    }
  });
});

describe('panic through the client core', () => {
  it('erases the storage at once, ends the session, and leaves no way back in without the kit', async () => {
    const moderator: Member = await registerModerator(server);
    const contact = await registerMember(server, 'contact');
    try {
      const conversation = await moderator.client.conversations.open(contact.client.accountId);
      const got = receivedTexts(contact.client);
      const text = randomText('before-panic');
      await moderator.client.conversations.send(conversation.id, text);
      await eventually(() => got.includes(text));
      expect(contact.storage.dump().size).toBeGreaterThan(0);
      const sessions = sessionsOf(contact.client.accountId);
      expect(sessions).toBeGreaterThan(0);

      // A send the app started a moment before: its write, queued behind the panic, never lands.
      const sending = contact.client.conversations.send(conversation.id, randomText('unsent'));
      await contact.client.panic();
      await expect(sending).rejects.toSatisfy(
        (error: unknown) => error instanceof KolokolError && error.code === 'UNAUTHENTICATED',
      );
      expect(contact.storage.dump().size).toBe(0);
      expect(contact.client.connection.state.value).toBe('offline');
      // The logout was sent best effort: the session ends on the server too.
      await eventually(() => sessionsOf(contact.client.accountId) < sessions);

      // The account key is gone from the device: the passphrase alone no longer logs in.
      await expect(
        KolokolClient.login(
          { url: server.url, deployment: DEPLOYMENT, storage: contact.storage },
          { handle: contact.handle, passphrase: PASSPHRASE },
        ),
      ).rejects.toSatisfy(
        (error: unknown) => error instanceof KolokolError && error.code === 'BAD_REQUEST',
      );
    } finally {
      moderator.client.close();
      contact.client.close();
    }
  });
});
