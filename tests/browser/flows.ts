// Steps the browser tests share, done the way a person does them: through the screens, by their
// labels and roles (so a screen a person cannot operate by its labels fails the test too).
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { toBase64Url } from '@kolokol/shared';
import { issueModeratorCertificate, randomBytes } from '@kolokol/shared/crypto';
import type { Staff } from '../support/audit.js';
import { expectAccessible, screenshot, type RoleContext } from '../support/browser.js';
import { call } from '../support/client.js';
import type { Board } from '../support/matching.js';

/**
 * Argon2id runs in the browser at the user cost at registration and every login: on a shared
 * 2-core machine under load, one can take minutes. This bounds the wait for each.
 */
export const ARGON2_WAIT_MS = 240_000;

const DAY = 24 * 3600 * 1000;

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

/** Who registers: a contact, a volunteer, or a moderator with the operator's enrolment code. */
export type Joining = 'I need help' | 'I want to help' | { readonly moderatorCode: string };

/** From the welcome screen: registers with the generated passphrase; ends on the kit screen. */
export async function registerWithGeneratedPassphrase(
  page: Page,
  handle: string,
  role: Joining = 'I need help',
): Promise<Registered> {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Name (a nickname)').fill(handle);
  if (typeof role === 'string') {
    await page.getByLabel(role).check();
  } else {
    await page.getByLabel('I have a moderator code').check();
    await page.getByLabel('The code the operator gave you').fill(role.moderatorCode);
  }
  const passphrase = (await page.getByTestId('generated-passphrase').textContent()) ?? '';
  expect(passphrase.split(' ')).toHaveLength(6);
  await page.getByLabel('I have written the passphrase down or learnt it').check();
  await page.getByRole('button', { name: 'Create the account' }).click();
  await page.getByRole('heading', { name: 'Recovery kit' }).waitFor({ timeout: ARGON2_WAIT_MS });
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
    .waitFor({ timeout: ARGON2_WAIT_MS });
}

/** Opens the client in English, registers as `role` and saves the kit: ends on the home screen. */
export async function join(page: Page, url: string, role: Joining): Promise<Registered> {
  await openInEnglish(page, url);
  const registered = await registerWithGeneratedPassphrase(page, freshHandle('web'), role);
  await confirmKitSaved(page, registered.handle);
  return registered;
}

/** axe, then screenshots of the screen as it is, in English and in Russian, then back to English. */
export async function photograph(page: Page, name: string): Promise<void> {
  await expectAccessible(page, `${name} (en)`);
  await screenshot(page, `${name}-en-phone`);
  await page.getByLabel('Language').selectOption('ru');
  await page.locator('html[lang="ru"]').waitFor();
  await expectAccessible(page, `${name} (ru)`);
  await screenshot(page, `${name}-ru-phone`);
  await page.getByLabel('Язык').selectOption('en');
  await page.locator('html[lang="en"]').waitFor();
}

/** What each person's page shows, printed when a test fails (test data only: no secret of anyone). */
export async function printScreens(roles: Record<string, RoleContext>): Promise<void> {
  for (const [who, role] of Object.entries(roles)) {
    const text = await role.page
      .locator('body')
      .innerText({ timeout: 5000 })
      .catch(() => '');
    console.log(`${who} saw:`, JSON.stringify(text), role.consoleErrors);
  }
}

// Conversations.

/** The texts of the open conversation's messages, in order, as shown. */
export function shownMessages(page: Page): Promise<string[]> {
  return page.locator('.messages .message-text').allTextContents();
}

/** Writes `text` in the open conversation and sends it. */
export async function say(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** From the home screen: the first conversation of the list, opened. */
export async function openTheConversation(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Conversations' }).click();
  await page.getByRole('heading', { name: 'Conversations' }).waitFor();
  await page.getByRole('button', { name: 'Conversation', exact: true }).first().click();
  await page.getByRole('heading', { name: 'Conversation', exact: true }).waitFor();
}

/** In the open conversation: the safety section opened, and its 60 digits as shown. */
export async function safetyDigits(page: Page): Promise<string> {
  await page.getByText('Safety number').click();
  const digits = (await page.locator('.safety-digits').getAttribute('data-digits')) ?? '';
  expect(digits).toMatch(/^\d{60}$/);
  return digits;
}

// Moderators.

/**
 * The operator enrols a moderator (a code from the server's store, as `npm run admin -- enrol`
 * gives); the person registers in the browser with it; the operator certifies the identity the
 * account registered and an admin publishes the certificate (as `npm run admin -- certify` then
 * `import-certificate` would). Only the operator's steps, which have no screen, run in Node.
 * Ends on the moderator's home screen; returns the account's id.
 */
export async function enrolModerator(
  board: Board,
  admin: Staff,
  role: RoleContext,
): Promise<string> {
  const handle = freshHandle('keeper');
  const { code } = await board.server.server.services.accounts.enrol(handle, 'moderator');
  await openInEnglish(role.page, board.server.url);
  await registerWithGeneratedPassphrase(role.page, handle, { moderatorCode: code });
  await confirmKitSaved(role.page, handle);

  const account = await board.server.server.services.accounts.findByHandle(handle);
  expect(account.role).toBe('moderator');
  const certificate = issueModeratorCertificate(board.org.root.secretKey, {
    handle,
    moderator: {
      signingKey: account.signingKey,
      exchangeKey: account.exchangeKey,
      exchangeSignature: account.exchangeSignature,
    },
    issuedAt: Date.now() - 60_000,
    expiresAt: Date.now() + 30 * DAY,
  });
  const published = await call(admin.socket, 'certificates.publish', {
    certificate: toBase64Url(certificate),
  });
  expect(published).toMatchObject({ ok: true });
  return account.id;
}

/** From the home screen: the moderation screen. */
export async function openModeration(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Moderation' }).click();
  await page.getByRole('heading', { name: 'Moderation', exact: true }).waitFor();
}

/** From the moderation screen: vets `volunteer` for dangerous requests; `expected` then shows. */
export async function vetHigh(page: Page, volunteer: string, expected: string): Promise<void> {
  await page.getByRole('button', { name: 'Vetting volunteers' }).click();
  await page.getByRole('heading', { name: 'Vetting volunteers' }).waitFor();
  await page.getByLabel('Account number').fill(volunteer);
  await page.getByRole('button', { name: 'Vet for dangerous requests' }).click();
  await page.getByText(expected).waitFor();
}
