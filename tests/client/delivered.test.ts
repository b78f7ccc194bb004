// "Delivered" in the client core (issue 10): a message this device sent moves from `sent` to
// `delivered` once a device of the peer acknowledged it — live, by the server's
// `conversations.delivered` push, and after a restart, from `conversations.list` — never before,
// and the state is kept in the device's sealed history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KolokolClient, type LocalMessage } from '@kolokol/client/core';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  DEPLOYMENT,
  PASSPHRASE,
  eventually,
  receivedTexts,
  registerMember,
  registerModerator,
  type Member,
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

/** Every state the client reports for its own messages, by id, in order. */
function ownStates(client: KolokolClient): Map<string, LocalMessage['state'][]> {
  const seen = new Map<string, LocalMessage['state'][]>();
  client.conversations.messages.on((message) => {
    if (message.from !== 'me') return;
    seen.set(message.id, [...(seen.get(message.id) ?? []), message.state]);
  });
  return seen;
}

async function stateOf(client: KolokolClient, conversation: string, id: string) {
  const history = await client.conversations.history(conversation);
  return history.find((message) => message.id === id)?.state;
}

/** The member's app started again from its own storage (its keys, sessions and history). */
async function restart(member: Member): Promise<KolokolClient> {
  const client = await KolokolClient.login(
    { url: server.url, deployment: DEPLOYMENT, storage: member.storage },
    { handle: member.handle, passphrase: PASSPHRASE },
  );
  clients.push(client);
  return client;
}

describe('delivered', () => {
  it('follows sent once the peer’s device stored the message, live', async () => {
    const moderator = await registerModerator(server);
    const contact = await registerMember(server, 'contact');
    clients.push(moderator.client, contact.client);
    const states = ownStates(moderator.client);
    const toContact = receivedTexts(contact.client);
    const conversation = await moderator.client.conversations.open(contact.client.accountId);
    const first = await moderator.client.conversations.send(conversation.id, 'one');
    const second = await moderator.client.conversations.send(conversation.id, 'two');
    await eventually(() => toContact.length === 2);
    await eventually(async () => {
      const history = await moderator.client.conversations.history(conversation.id);
      return history.every((message) => message.state === 'delivered');
    });
    expect(states.get(first.id)).toEqual(['queued', 'sent', 'delivered']);
    expect(states.get(second.id)).toEqual(['queued', 'sent', 'delivered']);
    expect(moderator.client.conversations.get(conversation.id)?.delivered).toBe(2);
    // The peer's own view: what it received is `received`, never `delivered`.
    const theirs = await contact.client.conversations.history(conversation.id);
    expect(theirs.map((message) => message.state)).toEqual(['received', 'received']);
  });

  it('stays sent while the peer is away, and is learnt after a restart when the peer acked meanwhile', async () => {
    const moderator = await registerModerator(server);
    const contact = await registerMember(server, 'contact');
    clients.push(moderator.client, contact.client);
    const conversation = await moderator.client.conversations.open(contact.client.accountId);
    await eventually(() => contact.client.conversations.get(conversation.id) !== undefined);
    contact.client.close(); // the contact's phone is off

    const sent = await moderator.client.conversations.send(conversation.id, 'are you safe?');
    await eventually(
      async () => (await stateOf(moderator.client, conversation.id, sent.id)) === 'sent',
    );
    // A round trip later the server has told the moderator nothing: still only sent.
    await moderator.client.call('session.whoami', {});
    expect(await stateOf(moderator.client, conversation.id, sent.id)).toBe('sent');
    moderator.client.close(); // and now the moderator's app is closed too

    // The contact comes back, fetches, stores and acknowledges while the moderator is away.
    const contactAgain = await restart(contact);
    await eventually(async () => {
      const history = await contactAgain.conversations.history(conversation.id);
      return history.some((message) => message.text === 'are you safe?');
    });
    await eventually(async () => {
      const { conversations } = await contactAgain.call('conversations.list', {});
      return conversations.find((c) => c.id === conversation.id)?.ackedSeq === 1;
    });

    // The moderator's app starts again: the push went to nobody, the list carries the mark.
    const moderatorAgain = await restart(moderator);
    await eventually(
      async () => (await stateOf(moderatorAgain, conversation.id, sent.id)) === 'delivered',
    );
    expect(moderatorAgain.conversations.get(conversation.id)?.delivered).toBe(1);
  });
});
