// A conversation's actions through the client core, against the real server: the timer set for
// both sides and obeyed by the local history on the app's sweep (a fixed `now`), closing, and
// blocking refused where the other side is staff — each refusal a KolokolError with the server's
// code, nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONVERSATION_TTL_SECONDS } from '@kolokol/shared';
import { KolokolClient, KolokolError } from '@kolokol/client/core';
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

const HOUR_SECONDS = CONVERSATION_TTL_SECONDS.min;
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

const refusedWith = (code: string) => (error: unknown) =>
  error instanceof KolokolError && error.code === code;

describe('conversation actions through the client core', () => {
  it('sets the timer for both sides, and the sweep removes what is older than it from the device', async () => {
    const conversation = await moderator.client.conversations.open(contact.client.accountId);
    const got = receivedTexts(contact.client);
    const first = randomText('first');
    await moderator.client.conversations.send(conversation.id, first);
    await eventually(() => got.includes(first));

    const timed = await moderator.client.conversations.setTimer(conversation.id, HOUR_SECONDS);
    expect(timed.ttlSeconds).toBe(HOUR_SECONDS);
    // The peer learns it by the push.
    await eventually(
      () => contact.client.conversations.get(conversation.id)?.ttlSeconds === HOUR_SECONDS,
    );

    const history = await contact.client.conversations.history(conversation.id);
    const arrivedAt = history.find((message) => message.text === first)!.at;
    // Not yet an hour old: nothing goes.
    expect(await contact.client.conversations.expire(arrivedAt + HOUR_SECONDS * 1000 - 1)).toBe(0);
    expect((await contact.client.conversations.history(conversation.id)).length).toBe(
      history.length,
    );
    // An hour and a moment later it is gone from memory and from the sealed storage.
    expect(await contact.client.conversations.expire(arrivedAt + HOUR_SECONDS * 1000 + 1)).toBe(
      history.filter((message) => message.at <= arrivedAt).length,
    );
    expect(
      (await contact.client.conversations.history(conversation.id)).map((message) => message.text),
    ).not.toContain(first);
    contact.client.close();
    contact = {
      ...contact,
      client: await KolokolClient.login(
        { url: server.url, deployment: DEPLOYMENT, storage: contact.storage },
        { handle: contact.handle, passphrase: PASSPHRASE },
      ),
    };
    expect(
      (await contact.client.conversations.history(conversation.id)).map((message) => message.text),
    ).not.toContain(first);
  });

  it('refuses a timer out of range and a block of staff, changing nothing', async () => {
    const conversation = await moderator.client.conversations.open(contact.client.accountId);
    await eventually(() => contact.client.conversations.get(conversation.id) !== undefined);
    await expectUnchanged(server, () =>
      expect(contact.client.conversations.setTimer(conversation.id, 60)).rejects.toSatisfy(
        refusedWith('BAD_REQUEST'),
      ),
    );
    await expectUnchanged(server, () =>
      expect(contact.client.conversations.block(conversation.id)).rejects.toSatisfy(
        refusedWith('FORBIDDEN'),
      ),
    );
    expect(contact.client.conversations.get(conversation.id)?.closedAt).toBeNull();
  });

  it('closes a conversation for both sides; sending into it then fails with CONFLICT', async () => {
    const conversation = await moderator.client.conversations.open(contact.client.accountId);
    await eventually(() => contact.client.conversations.get(conversation.id) !== undefined);
    const closed = await contact.client.conversations.close(conversation.id);
    expect(closed.closedAt).not.toBeNull();
    await eventually(() => moderator.client.conversations.get(conversation.id)?.closedAt !== null);
    await expectUnchanged(server, () =>
      expect(
        moderator.client.conversations.setTimer(conversation.id, HOUR_SECONDS),
      ).rejects.toSatisfy(refusedWith('CONFLICT')),
    );
  });
});
