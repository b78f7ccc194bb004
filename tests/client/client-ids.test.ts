// The clientIds the client core gives its messages (client/src/core/client-ids.ts): valid ids,
// unique, and rising with the conversation — compared bytewise, as the server's SQLite index
// compares them — from the sequence numbers this device knows, and nothing else.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idSchema } from '@kolokol/shared';
import type { KolokolClient } from '@kolokol/client/core';
import { newClientId } from '../../client/src/core/client-ids.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { eventually, receivedTexts, registerMember, registerModerator } from './support.js';

const PREFIX_DIGITS = 9;

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

describe('newClientId', () => {
  it('is a valid id, unique, and sorts bytewise in the order of the sequence numbers', () => {
    const seqs = [0, 1, 9, 10, 35, 36, 37, 1295, 1296, 46_655, 46_656, 10 ** 9, 2 ** 40];
    const ids = seqs.map((seq) => newClientId(seq));
    for (const id of ids) expect(idSchema.safeParse(id).success).toBe(true);
    expect([...ids].sort(bytewise)).toEqual(ids);
    // Equal prefixes: the random part alone keeps them apart.
    const same = Array.from({ length: 1000 }, () => newClientId(42));
    expect(new Set(same).size).toBe(1000);
    expect(new Set(same.map((id) => id.slice(0, PREFIX_DIGITS)))).toEqual(new Set(['000000016']));
  });

  it('turns a number that is no sequence number into the lowest prefix, never a bad id', () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
      const id = newClientId(bad);
      expect(id.slice(0, PREFIX_DIGITS)).toBe('0'.repeat(PREFIX_DIGITS));
      expect(idSchema.safeParse(id).success).toBe(true);
    }
    const highest = newClientId(Number.MAX_SAFE_INTEGER);
    expect(highest.slice(0, PREFIX_DIGITS)).toBe('z'.repeat(PREFIX_DIGITS));
    expect(idSchema.safeParse(highest).success).toBe(true);
  });
});

describe('the clientIds a device sends', () => {
  let server: TestServer;
  const clients: KolokolClient[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.close();
  });

  it('start from the highest seq the device knows there, received or its own', async () => {
    const moderator = await registerModerator(server);
    const contact = await registerMember(server, 'contact');
    clients.push(moderator.client, contact.client);
    const toContact = receivedTexts(contact.client);
    const toModerator = receivedTexts(moderator.client);
    const conversation = await moderator.client.conversations.open(contact.client.accountId);
    const one = await moderator.client.conversations.send(conversation.id, 'one');
    await eventually(() => toContact.length === 1);
    const two = await moderator.client.conversations.send(conversation.id, 'two');
    await eventually(() => toContact.length === 2);
    const reply = await contact.client.conversations.send(conversation.id, 'three');
    await eventually(() => toModerator.length === 1);
    const four = await moderator.client.conversations.send(conversation.id, 'four');
    await eventually(() => toContact.length === 3);
    // Nothing known yet; its own seq 1; its own seq 2; the contact received 1 and 2 (acked by
    // then or not, it knows them); the contact's reply was seq 3.
    expect([one, two, reply, four].map((message) => message.id.slice(0, PREFIX_DIGITS))).toEqual([
      '000000000',
      '000000001',
      '000000002',
      '000000003',
    ]);
    // As the server stored them: in seq order, the ids of each sender rise bytewise.
    const db = new Database(server.dbFile, { readonly: true });
    try {
      const rows = db
        .prepare<[string], { sender_id: string; client_id: string }>(
          'SELECT sender_id, client_id FROM conversation_messages WHERE conversation_id = ? ORDER BY seq',
        )
        .all(conversation.id);
      expect(rows.map((row) => row.client_id)).toEqual([one.id, two.id, reply.id, four.id]);
      const mine = rows.filter((row) => row.sender_id === moderator.client.accountId);
      const ids = mine.map((row) => row.client_id);
      expect([...ids].sort(bytewise)).toEqual(ids);
    } finally {
      db.close();
    }
  });
});
