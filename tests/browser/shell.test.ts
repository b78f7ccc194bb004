// The web client's shell in real Chromium against the real server: the strict CSP header, no
// CSP violation or console error, nothing requested off loopback, the language chosen first
// (Russian first) and kept across a reload, and no serious accessibility problem.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_MISSING,
  expectAccessible,
  hasChromium,
  launchChromium,
  newRoleContext,
  screenshot,
  startBrowserServer,
} from '../support/browser.js';
import type { TestServer } from '../support/server.js';

describe.skipIf(!hasChromium)(
  `the web client's shell (${hasChromium ? 'chromium' : CHROMIUM_MISSING})`,
  () => {
    let server: TestServer;
    let browser: Browser;

    beforeAll(async () => {
      [server, browser] = await Promise.all([startBrowserServer(), launchChromium()]);
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it('serves the client at / under a strict Content-Security-Policy', async () => {
      const response = await fetch(`${server.url}/`);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toMatch(/'unsafe-eval'/);
      expect(csp).not.toContain('https:');
    });

    it('asks for the language first, Russian first, and keeps the choice across a reload', async () => {
      const role = await newRoleContext(browser);
      try {
        const { page } = role;
        await page.goto(`${server.url}/`);
        const choices = page.locator('.choices button');
        await expect.poll(() => choices.allTextContents()).toEqual(['Русский', 'English']);
        expect(await page.locator('html').getAttribute('lang')).toBe('ru');
        await expectAccessible(page, 'language');
        await screenshot(page, 'language-phone');

        await page.getByRole('button', { name: 'English' }).click();
        await page.getByRole('heading', { name: 'Welcome' }).waitFor();
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
        await expectAccessible(page, 'welcome');
        await screenshot(page, 'welcome-en-phone');

        await page.reload();
        await page.getByRole('heading', { name: 'Welcome' }).waitFor();
        await page.getByRole('combobox').selectOption('ru');
        await page.getByRole('heading', { name: 'Добро пожаловать' }).waitFor();
        await screenshot(page, 'welcome-ru-phone');
        role.expectClean();
      } finally {
        await role.context.close();
      }
    });

    it('needs wasm-unsafe-eval for libsodium, and nothing looser: without it the page cannot start', async () => {
      const role = await newRoleContext(browser);
      try {
        const { page, context } = role;
        // The same page under the policy minus 'wasm-unsafe-eval'.
        await context.route(`${server.url}/`, async (route) => {
          const response = await route.fetch();
          const csp = response.headers()['content-security-policy'] ?? '';
          expect(csp).toContain("'wasm-unsafe-eval'");
          await route.fulfill({
            response,
            headers: {
              ...response.headers(),
              'content-security-policy': csp.replace(" 'wasm-unsafe-eval'", ''),
            },
          });
        });
        await page.goto(`${server.url}/`);
        await expect
          .poll(() => role.consoleErrors.join('\n'))
          .toMatch(/WebAssembly|wasm-unsafe-eval/);
        expect(await page.locator('.choices button').count()).toBe(0);
      } finally {
        await role.context.close();
      }
    });

    it('the guard sees and stops a request that leaves loopback (it is not blind)', async () => {
      const role = await newRoleContext(browser);
      try {
        await role.page.goto('http://198.51.100.7/tracker').catch(() => undefined);
        expect(role.offsite).toEqual(['http://198.51.100.7/tracker']);
        expect(() => role.expectClean()).toThrow(/left loopback/);
      } finally {
        await role.context.close();
      }
    });
  },
);
