// Behind a reverse proxy under a sub-path (https://example.org/kolokol/), as an operator or an
// onion service may serve it: the page, its assets, the REST routes and the websocket all go
// through the prefix (every asset URL is relative, the server's address is the page's
// directory), and a person registers and reaches the connected home screen.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROWSER_FLOW_TIMEOUT_MS,
  CHROMIUM_MISSING,
  hasChromium,
  launchChromium,
  newRoleContext,
  startBrowserServer,
} from '../support/browser.js';
import { startPrefixProxy, type PrefixProxy } from '../support/prefix-proxy.js';
import type { TestServer } from '../support/server.js';
import {
  confirmKitSaved,
  freshHandle,
  openInEnglish,
  registerWithGeneratedPassphrase,
} from './flows.js';

const PREFIX = '/help/kolokol';

describe.skipIf(!hasChromium)(
  `served under a sub-path (${hasChromium ? 'chromium' : CHROMIUM_MISSING})`,
  () => {
    let proxy: PrefixProxy;
    let server: TestServer;
    let browser: Browser;

    beforeAll(async () => {
      proxy = await startPrefixProxy(PREFIX);
      [server, browser] = await Promise.all([
        startBrowserServer({ extraOrigins: [proxy.origin] }),
        launchChromium(),
      ]);
      proxy.setTarget(server.port);
    });

    afterAll(async () => {
      await browser?.close();
      await proxy?.close();
      await server?.close();
    });

    it(
      'loads, registers and connects with every request under the prefix',
      { timeout: BROWSER_FLOW_TIMEOUT_MS },
      async () => {
        const role = await newRoleContext(browser);
        const requested: string[] = [];
        role.page.on('request', (request) => requested.push(request.url()));
        role.page.on('websocket', (socket) => requested.push(socket.url()));
        try {
          await openInEnglish(role.page, proxy.url);
          const account = await registerWithGeneratedPassphrase(role.page, freshHandle('sub'));
          await confirmKitSaved(role.page, account.handle);
          await role.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
          const paths = requested.map((url) => new URL(url).pathname);
          expect(paths.filter((path) => !path.startsWith(`${PREFIX}/`))).toEqual([]);
          expect(paths).toContain(`${PREFIX}/socket.io/`);
          expect(paths).toContain(`${PREFIX}/auth/register`);
          role.expectClean();
        } finally {
          await role.context.close();
        }
      },
    );
  },
);
