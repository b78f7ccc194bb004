// Helpers for the client core's tests: accounts made through the core itself (staff with an
// enrolment code from the same service the admin CLI calls), and waiting for what the core emits.
import { toBase64Url } from '@kolokol/shared';
import { randomBytes, type RecoveryKit } from '@kolokol/shared/crypto';
import { KolokolClient, MemoryStorage, type LocalMessage } from '@kolokol/client/core';
import type { TestServer } from '../support/server.js';

export const DEPLOYMENT = 'kolokol-test';
export const PASSPHRASE = 'seven quiet lanterns beyond the ferry';

let counter = 0;
export function newHandle(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid}c${counter}`;
}

export interface Member {
  readonly client: KolokolClient;
  readonly storage: MemoryStorage;
  readonly handle: string;
}

/** A contact or volunteer registered through the core, on its own device storage. */
export async function registerMember(
  server: { url: string },
  role: 'contact' | 'volunteer' = 'contact',
  storage = new MemoryStorage(),
): Promise<Member & { accountKey: Uint8Array; kit: RecoveryKit }> {
  const handle = newHandle(role);
  const { client, accountKey, kit } = await KolokolClient.register(
    { url: server.url, deployment: DEPLOYMENT, storage },
    { handle, passphrase: PASSPHRASE, role },
  );
  return { client, storage, handle, accountKey, kit };
}

/** A moderator enrolled by the operator and registered through the core with its code. */
export async function registerModerator(server: TestServer): Promise<Member> {
  const handle = newHandle('moderator');
  const { code } = await server.server.services.accounts.enrol(handle, 'moderator');
  const storage = new MemoryStorage();
  const { client } = await KolokolClient.register(
    { url: server.url, deployment: DEPLOYMENT, storage },
    { handle, passphrase: PASSPHRASE, enrolmentCode: code },
  );
  return { client, storage, handle };
}

/** Collects every message the client reports as received, for order and exactly-once checks. */
export function receivedTexts(client: KolokolClient): string[] {
  const seen: string[] = [];
  client.conversations.messages.on((message: LocalMessage) => {
    if (message.from === 'peer' && message.text !== null) seen.push(message.text);
  });
  return seen;
}

/** Waits, bounded, until `check` holds; polls every 20 ms. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A short random text, so a test never matches a message of another. */
export function randomText(prefix: string): string {
  return `${prefix}-${toBase64Url(randomBytes(6))}`;
}
