// At rest and after panic, in real Chromium: while logged in, nothing readable of the account —
// handle, passphrase, recovery words, account key — is in IndexedDB, localStorage or
// sessionStorage (the core seals every record); after one tap on panic, from any screen, the
// profile holds no database, no storage entry and no cache, the page is a neutral one, and a
// reload starts from nothing.
import { parseRecoveryWords } from '@kolokol/shared/crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER_FLOW_TIMEOUT_MS,
  CHROMIUM_MISSING,
  expectAccessible,
  hasChromium,
  launchChromium,
  newRoleContext,
  screenshot,
  startBrowserServer,
} from '../support/browser.js';
import type { TestServer } from '../support/server.js';
import { containsBytes, dumpBrowserStorage, type BrowserStorageDump } from './browser-storage.js';
import {
  confirmKitSaved,
  freshHandle,
  openInEnglish,
  registerWithGeneratedPassphrase,
  type Registered,
} from './flows.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Every secret or name of the account, as the bytes that must not be found at rest. */
function secretsOf(account: Registered): Map<string, Uint8Array> {
  return new Map([
    ['handle', utf8(account.handle)],
    ['passphrase', utf8(account.passphrase)],
    ['first recovery word', utf8(account.words[0]!)],
    ['account key', parseRecoveryWords(account.words.join(' '))],
  ]);
}

function readableSecrets(dump: BrowserStorageDump, account: Registered): string[] {
  const found: string[] = [];
  const texts = [
    ...Object.entries(dump.localStorage).flat(),
    ...Object.entries(dump.sessionStorage).flat(),
    ...dump.databases,
    ...dump.caches,
  ];
  for (const [what, bytes] of secretsOf(account)) {
    for (const record of dump.records) {
      if (
        containsBytes(record.bytes, bytes) ||
        containsBytes(Array.from(utf8(record.key)), bytes)
      ) {
        found.push(`${what} in ${record.database}/${record.store}/${record.key}`);
      }
    }
    if (texts.some((text) => containsBytes(Array.from(utf8(text)), bytes))) {
      found.push(`${what} in web storage or a name`);
    }
  }
  return found;
}

describe.skipIf(!hasChromium)(`panic (${hasChromium ? 'chromium' : CHROMIUM_MISSING})`, () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startBrowserServer(), launchChromium()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(
    'keeps nothing readable at rest, and after panic leaves no database, storage or cache',
    { timeout: BROWSER_FLOW_TIMEOUT_MS },
    async () => {
      const role = await newRoleContext(browser);
      try {
        const { page } = role;
        await openInEnglish(page, server.url);
        const account = await registerWithGeneratedPassphrase(page, freshHandle('panic'));
        await confirmKitSaved(page, account.handle);

        const atRest = await dumpBrowserStorage(page);
        expect(atRest.records.length).toBeGreaterThan(0);
        expect(readableSecrets(atRest, account)).toEqual([]);

        // A cache as a service worker or the app might have left: panic must remove it too.
        await page.evaluate(async () => {
          const cache = await caches.open('kolokol-test-cache');
          await cache.put('/cached', new Response('cached'));
          sessionStorage.setItem('kolokol.test', 'x');
        });
        await page.getByRole('button', { name: 'Devices' }).click();
        await page.getByTestId('devices').locator('li').first().waitFor();

        await page.getByRole('button', { name: /Erase everything/ }).click();
        await page.getByText('This page is empty.').waitFor();
        await expect.poll(async () => (await dumpBrowserStorage(page)).databases).toEqual([]);
        const after = await dumpBrowserStorage(page);
        expect(after).toEqual({
          databases: [],
          records: [],
          localStorage: {},
          sessionStorage: {},
          caches: [],
        });
        expect(await page.title()).toBe('Empty page');
        expect(new URL(page.url()).hash).toBe('');
        await expectAccessible(page, 'neutral');
        await screenshot(page, 'after-panic-phone');

        // A reload starts from nothing: the language choice, and still nothing stored.
        await page.reload();
        await page.getByRole('heading', { name: 'Выберите язык' }).waitFor();
        expect((await dumpBrowserStorage(page)).databases).toEqual([]);
        role.expectClean();
      } finally {
        await role.context.close();
      }
    },
  );
});
