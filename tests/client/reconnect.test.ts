// Nothing lost, nothing duplicated, in order, through the client core: the connection drops
// mid-conversation (the transport closed as a network drop does), and the real server process
// is killed with SIGKILL and restarted on the same port and SQLite file while both sides keep
// writing, and one side's app restarts from its sealed storage with messages still queued.
// Messages written while offline wait in the outbox (`queued`) and are sent on reconnect,
// retried under their clientId; each side's history ends with every message exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  KolokolClient,
  MemoryStorage,
  type ConnectionState,
  type StorageChanges,
  type LocalMessage,
} from '@kolokol/client/core';
import {
  enrolModeratorsInStore,
  GENEROUS_RELAY_LIMITS,
  startServerProcess,
  type ServerProcess,
} from '../support/server-process.js';
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

const LIMITS = {
  KOLOKOL_LOG_LEVEL: 'info',
  ...GENEROUS_RELAY_LIMITS,
  KOLOKOL_SHUTDOWN_GRACE_MS: '2000',
};

/** Every state the connection went through, in order. */
function states(client: KolokolClient): ConnectionState[] {
  const seen: ConnectionState[] = [client.connection.state.value];
  client.connection.state.subscribe((state) => seen.push(state));
  return seen;
}

/** The texts of a history, from one side, in the order the history holds them. */
function texts(history: readonly LocalMessage[], from: 'me' | 'peer'): (string | null)[] {
  return history.filter((message) => message.from === from).map((message) => message.text);
}

/** Sequence numbers are unique and increasing in a history that is complete. */
function expectOrderedOnce(history: readonly LocalMessage[]): void {
  const seqs = history.map((message) => message.seq);
  expect(seqs.every((seq) => seq !== null)).toBe(true);
  expect(seqs).toEqual([...seqs].sort((a, b) => a! - b!));
  expect(new Set(seqs).size).toBe(seqs.length);
}

const numbered = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);

describe('a dropped connection', () => {
  let server: TestServer;
  const clients: KolokolClient[] = [];
  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.close();
  });

  it('queues what is written meanwhile, reconnects with backoff, then delivers all of it once, in order', async () => {
    server = await startTestServer();
    const moderator = await registerModerator(server);
    const contact = await registerMember(server, 'contact');
    clients.push(moderator.client, contact.client);
    const conversation = await moderator.client.conversations.open(contact.client.accountId);
    const toContact = receivedTexts(contact.client);
    const toModerator = receivedTexts(moderator.client);
    await moderator.client.conversations.send(conversation.id, 'before');
    await eventually(() => toContact.length === 1);

    const contactStates = states(contact.client);
    contact.client.connection.simulateNetworkDrop();
    await contact.client.connection.state.when((state) => state === 'reconnecting');
    const fromModerator = numbered('from moderator', 5);
    const fromContact = numbered('from contact', 3);
    const queued: LocalMessage[] = [];
    for (const text of fromModerator)
      await moderator.client.conversations.send(conversation.id, text);
    for (const text of fromContact) {
      queued.push(await contact.client.conversations.send(conversation.id, text));
    }
    // Written while offline (the first reconnect waits at least 250 ms): all three wait in the outbox.
    expect(queued.map((message) => message.state)).toEqual(['queued', 'queued', 'queued']);
    expect(contact.client.conversations.pending).toBe(3);

    await eventually(() => toContact.length === 6 && toModerator.length === 3);
    expect(toContact).toEqual(['before', ...fromModerator]);
    expect(toModerator).toEqual(fromContact);
    expect(contactStates).toEqual(['connected', 'reconnecting', 'connected']);
    expect(contact.client.conversations.pending).toBe(0);
    const history = await contact.client.conversations.history(conversation.id);
    expectOrderedOnce(history);
    expect(texts(history, 'me')).toEqual(fromContact);
    // The moderator's device stored them all: each becomes delivered (conversations.delivered).
    await eventually(async () =>
      (await contact.client.conversations.history(conversation.id))
        .filter((m) => m.from === 'me')
        .every((m) => m.state === 'delivered'),
    );
  });
});

/**
 * A device's storage that, once armed, drops the network right after the next write of a
 * conversation's history (a received message stored) and waits until the connection is down.
 */
class DroppingStorage extends MemoryStorage {
  armed: (() => Promise<unknown>) | undefined;

  override async write(changes: StorageChanges): Promise<void> {
    await super.write(changes);
    const names = [...(changes.put?.keys() ?? [])];
    if (!names.some((name) => name.startsWith('history/'))) return;
    const drop = this.armed;
    this.armed = undefined;
    await drop?.();
  }
}

describe('an acknowledgement lost with the connection', () => {
  let server: TestServer;
  const clients: KolokolClient[] = [];
  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.close();
  });

  it('is sent on reconnect, and the message is shown once', async () => {
    server = await startTestServer();
    const moderator = await registerModerator(server);
    const storage = new DroppingStorage();
    const contact = await registerMember(server, 'contact', storage);
    clients.push(moderator.client, contact.client);
    const conversation = await moderator.client.conversations.open(contact.client.accountId);
    await eventually(() => contact.client.conversations.get(conversation.id) !== undefined);
    const toContact = receivedTexts(contact.client);

    // The message is stored on the device, then the network drops before the ack leaves.
    storage.armed = () => {
      contact.client.connection.simulateNetworkDrop();
      return contact.client.connection.state.when((state) => state !== 'connected');
    };
    await moderator.client.conversations.send(conversation.id, 'stored, not yet acked');
    await eventually(() => toContact.length === 1);
    await contact.client.connection.state.when((state) => state === 'connected');
    await eventually(async () => {
      const { conversations } = await contact.client.call('conversations.list', {});
      return conversations.find((c) => c.id === conversation.id)?.ackedSeq === 1;
    });
    expect(toContact).toEqual(['stored, not yet acked']);
    expect(storage.armed).toBeUndefined();
  });
});

describe('a server killed and restarted mid-conversation', () => {
  let dataDir = '';
  let process: ServerProcess | undefined;
  const clients: KolokolClient[] = [];
  afterAll(async () => {
    for (const client of clients) client.close();
    await process?.stop('SIGKILL');
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });

  it('loses nothing and duplicates nothing, even for an app restarted with a full outbox', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'kolokol-client-'));
    const env = { ...LIMITS, KOLOKOL_DATA_DIR: dataDir };
    const [enrolled] = await enrolModeratorsInStore(dataDir, 1);
    process = await startServerProcess(env);
    const { url, port } = process;
    const options = (storage: MemoryStorage) => ({ url, deployment: DEPLOYMENT, storage });

    const moderatorStorage = new MemoryStorage();
    const { client: moderator } = await KolokolClient.register(options(moderatorStorage), {
      handle: enrolled!.account.handle,
      passphrase: PASSPHRASE,
      enrolmentCode: enrolled!.code,
    });
    const contact: Member = await registerMember({ url }, 'contact');
    clients.push(moderator, contact.client);
    const conversation = await moderator.conversations.open(contact.client.accountId);
    const toModerator = receivedTexts(moderator);
    await contact.client.conversations.send(conversation.id, 'hello');
    await eventually(() => toModerator.length === 1);

    // A burst from the moderator; the server is killed while it is being sent.
    const burst = numbered('burst', 20);
    let sent = 0;
    let killed: Promise<void> | undefined;
    const running = process;
    moderator.conversations.messages.on((message) => {
      if (message.from !== 'me' || message.state !== 'sent') return;
      sent += 1;
      // SIGKILL the moment the third is acknowledged: the rest are in flight or queued.
      if (sent === 3) killed = running.stop('SIGKILL');
    });
    for (const text of burst) await moderator.conversations.send(conversation.id, text);
    await eventually(() => killed !== undefined, 10_000);
    await killed;
    await moderator.connection.state.when((state) => state === 'reconnecting');
    expect(sent).toBeLessThan(burst.length);

    // Both write while the server is down; the contact's app then quits with them queued.
    const whileDown = numbered('while down', 3);
    for (const text of whileDown) await moderator.conversations.send(conversation.id, text);
    const offline = numbered('offline', 4);
    for (const text of offline) await contact.client.conversations.send(conversation.id, text);
    expect(contact.client.conversations.pending).toBe(4);
    contact.client.close();

    process = await startServerProcess(env, port);
    // The contact's app starts again from its sealed storage: passphrase only.
    const restarted = await KolokolClient.login(options(contact.storage), {
      handle: contact.handle,
      passphrase: PASSPHRASE,
    });
    clients.push(restarted);

    const everything = [...burst, ...whileDown];
    await eventually(async () => {
      const history = await restarted.conversations.history(conversation.id);
      return texts(history, 'peer').length >= everything.length && toModerator.length >= 5;
    }, 30_000);
    const contactHistory = await restarted.conversations.history(conversation.id);
    expect(texts(contactHistory, 'peer')).toEqual(everything);
    expect(texts(contactHistory, 'me')).toEqual(['hello', ...offline]);
    expectOrderedOnce(contactHistory);
    expect(toModerator).toEqual(['hello', ...offline]);
    const moderatorHistory = await moderator.conversations.history(conversation.id);
    expectOrderedOnce(moderatorHistory);
    expect(texts(moderatorHistory, 'me')).toEqual(everything);
    expect(moderator.conversations.pending).toBe(0);
    expect(restarted.conversations.pending).toBe(0);
  }, 90_000);
});

describe('a server stopped gracefully (SIGTERM, as a deploy does) and started again', () => {
  let dataDir = '';
  let process: ServerProcess | undefined;
  const clients: KolokolClient[] = [];
  afterAll(async () => {
    for (const client of clients) client.close();
    await process?.stop('SIGKILL');
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });

  it('the client comes back by itself (the server’s disconnect is not a logout) and delivers what was queued', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'kolokol-client-'));
    const env = { ...LIMITS, KOLOKOL_DATA_DIR: dataDir };
    const [enrolled] = await enrolModeratorsInStore(dataDir, 1);
    process = await startServerProcess(env);
    const { url, port } = process;
    const { client: moderator } = await KolokolClient.register(
      { url, deployment: DEPLOYMENT, storage: new MemoryStorage() },
      { handle: enrolled!.account.handle, passphrase: PASSPHRASE, enrolmentCode: enrolled!.code },
    );
    const contact: Member = await registerMember({ url }, 'contact');
    clients.push(moderator, contact.client);
    const conversation = await moderator.conversations.open(contact.client.accountId);
    const toModerator = receivedTexts(moderator);
    const seen = states(contact.client);

    await process.stop('SIGTERM');
    await contact.client.connection.state.when((state) => state !== 'connected');
    expect(contact.client.connection.state.value).toBe('reconnecting');
    await contact.client.conversations.send(conversation.id, 'after the deploy');
    process = await startServerProcess(env, port);

    await contact.client.connection.state.when((state) => state === 'connected');
    await eventually(() => toModerator.length === 1, 30_000);
    expect(toModerator).toEqual(['after the deploy']);
    expect(seen).not.toContain('offline');
    expect(contact.client.conversations.pending).toBe(0);
  }, 90_000);
});
