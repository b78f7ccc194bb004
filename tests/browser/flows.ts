// Steps the browser tests share, done the way a person does them: through the screens, by their
// labels and roles (so a screen a person cannot operate by its labels fails the test too).
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { toBase64Url } from '@kolokol/shared';
import { randomBytes } from '@kolokol/shared/crypto';

/** A fresh handle no other test uses. */
export function freshHandle(prefix: string): string {
  return `${prefix}${toBase64Url(randomBytes(6))
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')}`;
}

/** Opens the client and picks English on the language screen. */
export async function openInEnglish(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Welcome' }).waitFor();
}

export interface Registered {
  readonly handle: string;
  readonly passphrase: string;
  readonly words: string[];
}

/** From the welcome screen: registers with the generated passphrase; ends on the kit screen. */
export async function registerWithGeneratedPassphrase(
  page: Page,
  handle: string,
  role: 'I need help' | 'I want to help' = 'I need help',
): Promise<Registered> {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Name (a nickname)').fill(handle);
  await page.getByLabel(role).check();
  const passphrase = (await page.getByTestId('generated-passphrase').textContent()) ?? '';
  expect(passphrase.split(' ')).toHaveLength(6);
  await page.getByLabel('I have written the passphrase down or learnt it').check();
  await page.getByRole('button', { name: 'Create the account' }).click();
  await page.getByRole('heading', { name: 'Recovery kit' }).waitFor({ timeout: 60_000 });
  const words = await page.getByTestId('recovery-words').locator('li').allTextContents();
  expect(words).toHaveLength(12);
  return { handle, passphrase, words };
}

/** From the kit screen: confirms it was saved and lands on the home screen. */
export async function confirmKitSaved(page: Page, handle: string): Promise<void> {
  await page.getByLabel('I have saved the words or the QR code').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: `Logged in as ${handle}` }).waitFor();
}

/** From the welcome screen: logs in (with the kit's words on a new device). */
export async function logIn(
  page: Page,
  account: { handle: string; passphrase: string; words?: readonly string[] },
): Promise<void> {
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByLabel('Name', { exact: true }).fill(account.handle);
  await page.getByLabel('Passphrase', { exact: true }).fill(account.passphrase);
  if (account.words !== undefined) {
    await page.getByLabel('This is a new device').check();
    await page.getByLabel('The 12 words').fill(account.words.join(' '));
  }
  await page.getByRole('button', { name: 'Log in' }).click();
  await page
    .getByRole('heading', { name: `Logged in as ${account.handle}` })
    .waitFor({ timeout: 60_000 });
}
