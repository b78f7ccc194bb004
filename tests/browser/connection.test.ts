// The shell says what the connection is doing, in words, on every screen: connected; when the
// network between browser and server fails (a proxy cuts every connection), reconnecting; and
// connected again by itself once the network is back.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
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
import { startPrefixProxy, type PrefixProxy } from '../support/prefix-proxy.js';
import type { TestServer } from '../support/server.js';
import {
  confirmKitSaved,
  freshHandle,
  openInEnglish,
  registerWithGeneratedPassphrase,
} from './flows.js';

describe.skipIf(!hasChromium)(
  `connection state (${hasChromium ? 'chromium' : CHROMIUM_MISSING})`,
  () => {
    let proxy: PrefixProxy;
    let server: TestServer;
    let browser: Browser;

    beforeAll(async () => {
      proxy = await startPrefixProxy('/k');
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
      'shows connected, reconnecting while the network is down, and connected again after',
      { timeout: BROWSER_FLOW_TIMEOUT_MS },
      async () => {
        const role = await newRoleContext(browser);
        try {
          const { page } = role;
          await openInEnglish(page, proxy.url);
          const account = await registerWithGeneratedPassphrase(page, freshHandle('conn'));
          await confirmKitSaved(page, account.handle);
          await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
          proxy.setDown(true);
          await page
            .getByRole('status')
            .filter({ hasText: 'Connection lost, reconnecting…' })
            .waitFor({ timeout: 20_000 });
          await expectAccessible(page, 'home-reconnecting');
          await screenshot(page, 'home-reconnecting-en-phone');
          proxy.setDown(false);
          await page
            .getByRole('status')
            .filter({ hasText: 'Connected' })
            .waitFor({ timeout: 30_000 });
          // The failed reconnects are the browser's own console errors; nothing else may be.
          const others = role.consoleErrors.filter((text) => !text.includes('WebSocket'));
          if (others.length > 0) throw new Error(`console errors: ${others.join('\n')}`);
          if (role.offsite.length > 0) throw new Error(`offsite: ${role.offsite.join(', ')}`);
        } finally {
          await role.context.close();
        }
      },
    );
  },
);
