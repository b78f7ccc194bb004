// Adding a device by scanning or typing a link code, and comparing safety numbers, through the
// client core against the real server: the existing device shows the code (QR text or 12
// words); a new device reads it with the passphrase, joins the account (the first device is
// told), and receives and sends on the conversation; both people compute the same safety number
// and a scanned code of someone else's is a mismatch. Bad codes are refused with their problem
// and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptoError, RecoveryInputError } from '@kolokol/shared/crypto';
import { KolokolClient, KolokolError, MemoryStorage } from '@kolokol/client/core';
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

let server: TestServer;
const clients: KolokolClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

const options = (storage = new MemoryStorage()) => ({
  url: server.url,
  deployment: DEPLOYMENT,
  storage,
});

describe('adding a device by a link code', () => {
  it('links a new device from the scanned QR text, which then talks on the conversation', async () => {
    const moderator = await registerModerator(server);
    const first = await registerMember(server, 'contact');
    clients.push(moderator.client, first.client);
    const conversation = await moderator.client.conversations.open(first.client.accountId);
    await moderator.client.conversations.send(conversation.id, 'before');
    const onFirst = receivedTexts(first.client);
    await eventually(() => onFirst.length === 1);

    const code = await first.client.linkCode(PASSPHRASE);
    const versions: number[] = [];
    first.client.updates.devices.on((change) => versions.push(change.version));
    // The QR carries the handle: the new device needs only the passphrase typed.
    const second = await KolokolClient.login(options(), {
      passphrase: PASSPHRASE,
      link: code.payload,
    });
    clients.push(second);
    expect(second.accountId).toBe(first.client.accountId);
    expect(second.deviceId).not.toBe(first.client.deviceId);
    await eventually(() => versions.length > 0);
    expect((await first.client.devices.list()).devices.map((d) => d.deviceId)).toContain(
      second.deviceId,
    );

    const onSecond = receivedTexts(second);
    const onModerator = receivedTexts(moderator.client);
    await moderator.client.conversations.send(conversation.id, 'to both');
    await eventually(() => onSecond.length === 1 && onFirst.length === 2);
    expect(onSecond).toEqual(['to both']);
    await second.conversations.send(conversation.id, 'from the new phone');
    await eventually(() => onModerator.length === 1);
    expect(onModerator).toEqual(['from the new phone']);
  });

  it('links a device from the 12 typed words with the handle', async () => {
    const first = await registerMember(server, 'volunteer');
    clients.push(first.client);
    const { words } = await first.client.linkCode(PASSPHRASE);
    const typed = words.map((word, i) => `${i + 1}. ${word.toUpperCase()}`).join('\n');
    const second = await KolokolClient.login(options(), {
      handle: first.handle,
      passphrase: PASSPHRASE,
      link: typed,
    });
    clients.push(second);
    expect(second.accountId).toBe(first.client.accountId);
  });

  it('refuses a bad, foreign or mismatched code before anything is sent', async () => {
    const first = await registerMember(server, 'contact');
    const other = await registerMember(server, 'contact');
    clients.push(first.client, other.client);
    const { payload, words } = await first.client.linkCode(PASSPHRASE);
    const problem = (expected: string) => (error: unknown) =>
      error instanceof RecoveryInputError && error.problem === expected;
    const storage = new MemoryStorage();
    await expectUnchanged(server, async () => {
      // One character in the middle changed (the last one may carry only padding bits, which a
      // decoder ignores): the payload's checksum catches the misread.
      const at = Math.floor(payload.length / 2);
      const misread =
        payload.slice(0, at) + (payload[at] === 'A' ? 'B' : 'A') + payload.slice(at + 1);
      await expect(
        KolokolClient.login(options(storage), { passphrase: PASSPHRASE, link: misread }),
      ).rejects.toSatisfy(problem('CHECKSUM'));
      await expect(
        KolokolClient.login(
          { ...options(storage), deployment: 'another-deployment' },
          { passphrase: PASSPHRASE, link: payload },
        ),
      ).rejects.toSatisfy(problem('WRONG_DEPLOYMENT'));
      await expect(
        KolokolClient.login(options(storage), {
          handle: first.handle,
          passphrase: PASSPHRASE,
          link: words.slice(0, 11).join(' '),
        }),
      ).rejects.toSatisfy(problem('WORD_COUNT'));
      await expect(
        KolokolClient.login(options(storage), { passphrase: PASSPHRASE, link: words.join(' ') }),
      ).rejects.toSatisfy((error: unknown) => isCode(error, 'BAD_REQUEST'));
      await expect(
        KolokolClient.login(options(storage), {
          handle: other.handle,
          passphrase: PASSPHRASE,
          link: payload,
        }),
      ).rejects.toSatisfy((error: unknown) => isCode(error, 'BAD_REQUEST'));
    });
    expect(storage.dump().size).toBe(0);
  });
});

function isCode(error: unknown, code: KolokolError['code']): boolean {
  return error instanceof KolokolError && error.code === code;
}

describe('safety numbers', () => {
  it('gives both sides the same digits and code, and detects a mismatch', async () => {
    const moderator = await registerModerator(server);
    const contact = await registerMember(server, 'contact');
    const stranger = await registerMember(server, 'contact');
    clients.push(moderator.client, contact.client, stranger.client);
    // Before first contact nothing is pinned: no number to compare yet.
    expect(() => contact.client.safety.of(moderator.client.accountId)).toThrow(KolokolError);

    const onContact = receivedTexts(contact.client);
    const conversation = await moderator.client.conversations.open(contact.client.accountId);
    await moderator.client.conversations.send(conversation.id, 'hello');
    await eventually(() => onContact.length === 1);
    const onStranger = receivedTexts(stranger.client);
    const strangers = await moderator.client.conversations.open(stranger.client.accountId);
    await moderator.client.conversations.send(strangers.id, 'hello');
    await eventually(() => onStranger.length === 1);

    const mine = moderator.client.safety.of(contact.client.accountId);
    const theirs = contact.client.safety.of(moderator.client.accountId);
    expect(mine.digits).toMatch(/^\d{60}$/);
    expect(theirs.digits).toBe(mine.digits);
    expect(theirs.code).toBe(mine.code);
    // Scanned from the other screen, or read aloud and typed in groups: a match.
    expect(contact.client.safety.compare(moderator.client.accountId, mine.code)).toBe(true);
    expect(contact.client.safety.compare(moderator.client.accountId, ` ${mine.display} `)).toBe(
      true,
    );
    // The number the moderator has with someone else: a mismatch, shown loudly.
    const elsewhere = moderator.client.safety.of(stranger.client.accountId);
    expect(contact.client.safety.compare(moderator.client.accountId, elsewhere.code)).toBe(false);
    expect(contact.client.safety.compare(moderator.client.accountId, elsewhere.digits)).toBe(false);
    // Not a code at all, or a code of a later version.
    expect(() => contact.client.safety.compare(moderator.client.accountId, 'KOLOKOL-SN:1')).toThrow(
      CryptoError,
    );
    const later = `KOLOKOL-SN:${'C'.repeat(mine.code.length - 'KOLOKOL-SN:'.length)}`;
    expect(() => contact.client.safety.compare(moderator.client.accountId, later)).toThrow(
      CryptoError,
    );
  });
});
