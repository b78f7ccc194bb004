// The client core end to end: two people registered through it, a conversation opened through
// it, messages both ways through the real server with real crypto (PQXDH on first contact,
// then the Double Ratchet), in order, each shown once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  eventually,
  randomText,
  receivedTexts,
  registerMember,
  registerModerator,
  type Member,
} from './support.js';

let server: TestServer;
let moderator: Member;
let contact: Member;
beforeAll(async () => {
  server = await startTestServer();
  moderator = await registerModerator(server);
  contact = await registerMember(server, 'contact');
});
afterAll(async () => {
  moderator?.client.close();
  contact?.client.close();
  await server.close();
});

describe('conversations through the client core', () => {
  it('exchanges messages both ways, in order, each once, and reports them sent with a seq, then delivered', async () => {
    const toContact = receivedTexts(contact.client);
    const toModerator = receivedTexts(moderator.client);
    const opened = await moderator.client.conversations.open(contact.client.accountId);
    expect(opened.peer).toBe(contact.client.accountId);

    const first = await moderator.client.conversations.send(opened.id, 'Здравствуйте');
    expect(first.state).toBe('queued');
    const second = await moderator.client.conversations.send(opened.id, 'How can we help?');
    await eventually(() => toContact.length === 2);
    expect(toContact).toEqual(['Здравствуйте', 'How can we help?']);

    await contact.client.conversations.send(opened.id, 'Повестка пришла');
    await eventually(() => toModerator.length === 1);
    expect(toModerator).toEqual(['Повестка пришла']);

    // The contact's device acknowledged both before it replied, and the server told the moderator
    // (conversations.delivered) before it pushed the reply: both read delivered by now.
    const mine = await moderator.client.conversations.history(opened.id);
    expect(mine.map((m) => [m.from, m.state, m.text])).toEqual([
      ['me', 'delivered', 'Здравствуйте'],
      ['me', 'delivered', 'How can we help?'],
      ['peer', 'received', 'Повестка пришла'],
    ]);
    expect(mine.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect([first.id, second.id]).toEqual([mine[0]!.id, mine[1]!.id]);
    expect(moderator.client.conversations.pending).toBe(0);

    // Both sides computed the same safety number from the identities they pinned.
    const theirs = contact.client.safetyNumber(moderator.client.accountId);
    expect(theirs?.digits).toBe(moderator.client.safetyNumber(contact.client.accountId)?.digits);
  });

  it('keeps nothing readable at rest: no message text, handle of the peer or key in the clear', async () => {
    const conversation = await moderator.client.conversations.open(contact.client.accountId);
    const secret = randomText('secret');
    const got = receivedTexts(contact.client);
    await moderator.client.conversations.send(conversation.id, secret);
    await eventually(() => got.includes(secret));
    for (const storage of [moderator.storage, contact.storage]) {
      for (const [name, value] of storage.dump()) {
        const text = Buffer.from(value).toString('latin1');
        expect(text.includes(secret), name).toBe(false);
        expect(text.includes(moderator.client.accountId), name).toBe(false);
        expect(text.includes(contact.handle), name).toBe(false);
      }
    }
  });
});
