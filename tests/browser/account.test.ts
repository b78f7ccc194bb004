// The account screens in real Chromium against the real server: register with the generated
// passphrase, the recovery kit (words and QR), log out, log in again; a weak passphrase of one's
// own refused; a second device added with the kit, listed, and removed (it is signed out).
// Every screen passes axe; nothing leaves loopback; no console error or CSP violation.
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
import {
  confirmKitSaved,
  freshHandle,
  logIn,
  openInEnglish,
  registerWithGeneratedPassphrase,
} from './flows.js';

describe.skipIf(!hasChromium)(
  `account screens (${hasChromium ? 'chromium' : CHROMIUM_MISSING})`,
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

    it(
      'registers with the generated passphrase, shows the kit, logs out and logs in again',
      { timeout: BROWSER_FLOW_TIMEOUT_MS },
      async () => {
        const role = await newRoleContext(browser);
        try {
          const { page } = role;
          await openInEnglish(page, server.url);
          await page.getByRole('button', { name: 'Create an account' }).click();
          await expectAccessible(page, 'register');
          await screenshot(page, 'register-en-phone');
          await page.getByRole('button', { name: 'Back' }).click();

          const account = await registerWithGeneratedPassphrase(page, freshHandle('web'));
          // The QR is drawn once its encoder has loaded (lazily): wait for it, then count.
          await page.locator('svg.qr path').waitFor();
          expect(await page.locator('svg.qr path').count()).toBe(1);
          await expectAccessible(page, 'kit');
          await screenshot(page, 'kit-en-phone');
          // Continue stays off until the person says the kit is saved.
          expect(await page.getByRole('button', { name: 'Continue' }).isDisabled()).toBe(true);
          await confirmKitSaved(page, account.handle);
          expect(await page.getByRole('status').first().textContent()).toBe('Connected');
          await expectAccessible(page, 'home');
          await screenshot(page, 'home-en-phone');

          await page.getByRole('button', { name: 'Settings' }).click();
          await expectAccessible(page, 'settings');
          await page.getByRole('button', { name: 'Log out', exact: true }).click();
          await page.getByRole('heading', { name: 'Welcome' }).waitFor();

          await page.getByRole('button', { name: 'Log in' }).click();
          await expectAccessible(page, 'login');
          await screenshot(page, 'login-en-phone');
          await page.getByRole('button', { name: 'Back' }).click();
          await logIn(page, account);
          await page.getByRole('button', { name: 'Settings' }).click();
          await page.getByRole('button', { name: 'Show the recovery kit' }).click();
          await page.getByLabel('Passphrase').fill(account.passphrase);
          await page.getByRole('button', { name: 'Show' }).click();
          expect(await page.getByTestId('recovery-words').locator('li').allTextContents()).toEqual(
            account.words,
          );

          // The same screens in Russian, at phone width.
          await page.getByRole('combobox').selectOption('ru');
          await page.getByRole('heading', { name: 'Ключ восстановления' }).waitFor();
          await screenshot(page, 'kit-ru-phone');
          await page.getByLabel('Я сохранил(а) слова или QR-код').check();
          await page.getByRole('button', { name: 'Продолжить' }).click();
          await page.getByRole('heading', { name: `Вы вошли как ${account.handle}` }).waitFor();
          await expectAccessible(page, 'home-ru');
          await screenshot(page, 'home-ru-phone');
          await page.getByRole('button', { name: 'Устройства' }).click();
          await page.getByTestId('devices').locator('li').first().waitFor();
          await screenshot(page, 'devices-ru-phone');
          await page.getByRole('button', { name: 'Назад' }).click();
          await page.getByRole('button', { name: 'Настройки' }).click();
          await expectAccessible(page, 'settings-ru');
          await screenshot(page, 'settings-ru-phone');
          await page.getByRole('button', { name: 'Выйти', exact: true }).click();
          await page.getByText('Вы вышли.').waitFor();
          await page.getByRole('button', { name: 'Создать аккаунт' }).click();
          await expectAccessible(page, 'register-ru');
          await screenshot(page, 'register-ru-phone');
          await page.getByRole('button', { name: 'Назад' }).click();
          await page.getByRole('button', { name: 'Войти' }).click();
          await screenshot(page, 'login-ru-phone');
          role.expectClean();
        } finally {
          await role.context.close();
        }
      },
    );

    it(
      'changes the passphrase: a wrong current one is refused in words, then the new one logs in and the old one does not',
      { timeout: BROWSER_FLOW_TIMEOUT_MS },
      async () => {
        const role = await newRoleContext(browser);
        try {
          const { page } = role;
          await openInEnglish(page, server.url);
          const account = await registerWithGeneratedPassphrase(page, freshHandle('change'));
          await confirmKitSaved(page, account.handle);
          await page.getByRole('button', { name: 'Settings' }).click();
          await page.getByRole('button', { name: 'Change the passphrase' }).click();
          await page.getByRole('heading', { name: 'Change the passphrase' }).waitFor();
          await expectAccessible(page, 'passphrase');
          await screenshot(page, 'passphrase-en-phone');
          const next = (await page.getByTestId('generated-passphrase').textContent()) ?? '';
          expect(next.split(' ')).toHaveLength(6);
          await page.getByLabel('I have written the new passphrase down').check();

          await page.getByLabel('Your passphrase now').fill(`${account.passphrase}x`);
          await page.getByRole('button', { name: 'Change it' }).click();
          await page.getByRole('alert').filter({ hasText: 'passphrase does not match' }).waitFor();
          expect(await page.locator('[data-passphrase-changed]').count()).toBe(0);

          await page.getByLabel('Your passphrase now').fill(account.passphrase);
          await page.getByRole('button', { name: 'Change it' }).click();
          await page.locator('[data-passphrase-changed="0"]').waitFor({ timeout: 60_000 });

          await page.getByRole('button', { name: 'Back' }).click();
          await page.getByRole('button', { name: 'Log out', exact: true }).click();
          await page.getByRole('heading', { name: 'Welcome' }).waitFor();
          await page.getByRole('button', { name: 'Log in' }).click();
          await page.getByLabel('Name', { exact: true }).fill(account.handle);
          await page.getByLabel('Passphrase', { exact: true }).fill(account.passphrase);
          await page.getByRole('button', { name: 'Log in' }).click();
          await page
            .getByRole('alert')
            .filter({ hasText: 'passphrase does not match' })
            .waitFor({ timeout: 60_000 });
          await page.getByRole('button', { name: 'Back' }).click();
          await logIn(page, { handle: account.handle, passphrase: next });
          role.expectClean();
        } finally {
          await role.context.close();
        }
      },
    );

    it('refuses a weak passphrase of ones own, in words, and keeps the button off', async () => {
      const role = await newRoleContext(browser);
      try {
        const { page } = role;
        await openInEnglish(page, server.url);
        await page.getByRole('button', { name: 'Create an account' }).click();
        await page.getByLabel('Name (a nickname)').fill(freshHandle('weak'));
        await page.getByLabel('Choose my own').check();
        await page.getByLabel('Your passphrase').fill('password123456');
        await page.getByLabel('I have written the passphrase down or learnt it').check();
        await page.getByText('This passphrase is easy to guess').waitFor();
        expect(await page.getByRole('button', { name: 'Create the account' }).isDisabled()).toBe(
          true,
        );
        await expectAccessible(page, 'register-own');
        await page
          .getByLabel('Your passphrase')
          .fill('copper lantern drifts over quiet violet marsh');
        await page.getByText('The passphrase is strong enough.').waitFor();
        expect(await page.getByRole('button', { name: 'Create the account' }).isEnabled()).toBe(
          true,
        );
        role.expectClean();
      } finally {
        await role.context.close();
      }
    });

    it(
      'adds a second device with the kit, lists both, and removes the second, which is signed out',
      { timeout: BROWSER_FLOW_TIMEOUT_MS },
      async () => {
        const phone = await newRoleContext(browser);
        const laptop = await newRoleContext(browser);
        try {
          await openInEnglish(phone.page, server.url);
          const account = await registerWithGeneratedPassphrase(phone.page, freshHandle('dev'));
          await confirmKitSaved(phone.page, account.handle);

          await openInEnglish(laptop.page, server.url);
          await logIn(laptop.page, account);
          await phone.page.getByRole('button', { name: 'Devices' }).click();
          const rows = phone.page.getByTestId('devices').locator('li');
          await expect.poll(() => rows.count()).toBe(2);
          await expectAccessible(phone.page, 'devices');
          await screenshot(phone.page, 'devices-en-phone');
          expect(await rows.filter({ hasText: 'This device' }).count()).toBe(1);

          phone.page.once('dialog', (dialog) => void dialog.accept());
          await phone.page.getByRole('button', { name: /^Remove device/ }).click();
          await phone.page.getByText('The device was removed.').waitFor();
          await expect.poll(() => rows.count()).toBe(1);
          await laptop.page
            .getByText('This device was removed from the account.')
            .waitFor({ timeout: 20_000 });
          phone.expectClean();
          laptop.expectClean();
        } finally {
          await phone.context.close();
          await laptop.context.close();
        }
      },
    );
  },
);
