// Changing the passphrase through the client core, against the real server: `account.rekey`
// with the current login key, the account key sealed again under the new passphrase and every
// record of the device under the new storage key, so the device logs in again with the new
// passphrase alone and finds its conversation and history; other sessions are signed out
// (`rekeyed`) and reopen their records once with the previous passphrase beside the new one;
// the old passphrase no longer opens anything. A wrong current passphrase or a weak
// new one is refused before anything is sent, changing nothing on the server or the device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, WeakPassphraseError } from '@kolokol/shared/crypto';
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
  receivedTexts,
  registerMember,
  registerModerator,
} from './support.js';

const NEXT = 'amber kettles drift over northern marshes';

let server: TestServer;
const clients: KolokolClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

const options = (storage: MemoryStorage) => ({ url: server.url, deployment: DEPLOYMENT, storage });

describe('changing the passphrase', () => {
  it('rekeys, reseals the device, signs other sessions out, and logs in with the new one', async () => {
    const moderator = await registerModerator(server);
    const member = await registerMember(server, 'contact');
    clients.push(moderator.client, member.client);
    const conversation = await moderator.client.conversations.open(member.client.accountId);
    const onMember = receivedTexts(member.client);
    await moderator.client.conversations.send(conversation.id, 'before the change');
    await eventually(() => onMember.length === 1);
    const laptopStorage = new MemoryStorage();
    const laptop = await KolokolClient.login(options(laptopStorage), {
      handle: member.handle,
      passphrase: PASSPHRASE,
      accountKey: member.accountKey,
    });
    clients.push(laptop);
    const ended: SignedOutReason[] = [];
    laptop.signedOut.on((reason) => ended.push(reason));

    const changed = await member.client.changePassphrase({ current: PASSPHRASE, next: NEXT });
    expect(changed.revokedSessions).toBeGreaterThanOrEqual(1);
    expect(changed.kit).toBeUndefined();
    await eventually(() => ended.length > 0);
    expect(ended).toEqual(['rekeyed']);

    // The session goes on, sealing under the new storage key.
    await moderator.client.conversations.send(conversation.id, 'after the change');
    await eventually(() => onMember.length === 2);
    const deviceId = member.client.deviceId;
    member.client.close();

    // The old passphrase opens nothing on the device; the new one opens all of it.
    await expect(
      KolokolClient.login(options(member.storage), {
        handle: member.handle,
        passphrase: PASSPHRASE,
      }),
    ).rejects.toSatisfy(
      (error: unknown) => error instanceof CryptoError && error.reason === 'WRONG_PASSPHRASE',
    );
    const again = await KolokolClient.login(options(member.storage), {
      handle: member.handle,
      passphrase: NEXT,
    });
    clients.push(again);
    expect(again.deviceId).toBe(deviceId);
    expect((await again.conversations.history(conversation.id)).map((m) => m.text)).toEqual([
      'before the change',
      'after the change',
    ]);
    // The kit still holds the same account key: it shows the same words under the new passphrase.
    expect((await again.linkCode(NEXT)).words).toEqual(member.kit.words);

    // The laptop's records are still sealed under the old passphrase: the new one alone does not
    // open them, a wrong previous one changes nothing; with the previous one beside the new one
    // it seals everything again, stays the same device, and gets what was sent meanwhile.
    const laptopId = laptop.deviceId;
    laptop.close();
    const wrong = (error: unknown) =>
      error instanceof CryptoError && error.reason === 'WRONG_PASSPHRASE';
    const stored = laptopStorage.dump();
    await expect(
      KolokolClient.login(options(laptopStorage), { handle: member.handle, passphrase: NEXT }),
    ).rejects.toSatisfy(wrong);
    await expect(
      KolokolClient.login(options(laptopStorage), {
        handle: member.handle,
        passphrase: NEXT,
        previousPassphrase: 'not the passphrase at all',
      }),
    ).rejects.toSatisfy(wrong);
    expect(laptopStorage.dump()).toEqual(stored);
    const reopened = await KolokolClient.login(options(laptopStorage), {
      handle: member.handle,
      passphrase: NEXT,
      previousPassphrase: PASSPHRASE,
    });
    clients.push(reopened);
    expect(reopened.deviceId).toBe(laptopId);
    await eventually(async () =>
      (await reopened.conversations.history(conversation.id)).some(
        (m) => m.text === 'after the change',
      ),
    );
    reopened.close();
    // From now on the new passphrase alone opens it.
    clients.push(
      await KolokolClient.login(options(laptopStorage), {
        handle: member.handle,
        passphrase: NEXT,
      }),
    );
  });

  it('rotates the account key: a new kit, and the old one no longer logs in', async () => {
    const member = await registerMember(server, 'volunteer');
    clients.push(member.client);
    const laptopStorage = new MemoryStorage();
    const laptop = await KolokolClient.login(options(laptopStorage), {
      passphrase: PASSPHRASE,
      link: member.kit.payload,
    });
    const laptopId = laptop.deviceId;
    laptop.close();
    const changed = await member.client.changePassphrase({
      current: PASSPHRASE,
      next: NEXT,
      rotateAccountKey: true,
    });
    expect(changed.kit?.words).not.toEqual(member.kit.words);
    await expect(
      KolokolClient.login(options(new MemoryStorage()), {
        passphrase: NEXT,
        link: member.kit.payload,
      }),
    ).rejects.toSatisfy(
      (error: unknown) => error instanceof KolokolError && error.code === 'UNAUTHENTICATED',
    );
    const fresh = await KolokolClient.login(options(new MemoryStorage()), {
      passphrase: NEXT,
      link: changed.kit!.payload,
    });
    clients.push(fresh);
    expect(fresh.accountId).toBe(member.client.accountId);
    // The laptop: its records open with the previous passphrase (and the old account key it
    // holds); the new kit brings the new account key. It stays the same device.
    const reopened = await KolokolClient.login(options(laptopStorage), {
      passphrase: NEXT,
      previousPassphrase: PASSPHRASE,
      link: changed.kit!.payload,
    });
    clients.push(reopened);
    expect(reopened.deviceId).toBe(laptopId);
  });

  it('refuses a wrong current passphrase or a weak new one, changing nothing', async () => {
    const member = await registerMember(server, 'contact');
    clients.push(member.client);
    const before = member.storage.dump();
    await expectUnchanged(server, async () => {
      await expect(
        member.client.changePassphrase({ current: 'not the passphrase at all', next: NEXT }),
      ).rejects.toSatisfy(
        (error: unknown) => error instanceof CryptoError && error.reason === 'WRONG_PASSPHRASE',
      );
      await expect(
        member.client.changePassphrase({ current: PASSPHRASE, next: 'password1' }),
      ).rejects.toBeInstanceOf(WeakPassphraseError);
    });
    expect(member.storage.dump()).toEqual(before);
    // Still the same passphrase for the same device.
    member.client.close();
    const again = await KolokolClient.login(options(member.storage), {
      handle: member.handle,
      passphrase: PASSPHRASE,
    });
    clients.push(again);
  });
});
