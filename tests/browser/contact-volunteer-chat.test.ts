// The contact's, volunteer's and chat screens in real Chromium against the real server: a contact
// and a volunteer in two browser contexts, a certified moderator (anna) driven from Node. The
// volunteer writes an offer and is vetted; the contact asks for help; the engine proposes, anna
// approves; the volunteer reads the details and accepts; the contact starts talking; messages go
// both ways, each reading "Delivered" once the other browser stored it and only "Sent" while that
// browser is away; a reload mid-conversation and a network drop lose nothing and duplicate nothing.
// Every screen passes axe, and each is photographed in English and Russian at phone width.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM_MISSING,
  hasChromium,
  launchChromium,
  newRoleContext,
} from '../support/browser.js';
import { browserBoard } from '../support/browser-board.js';
import { closeAllSockets } from '../support/client.js';
import { matchingSettled, type Board } from '../support/matching.js';
import { approve, publishRevocations, vet } from '../ui/support.js';
import {
  join,
  logIn,
  openTheConversation,
  photograph,
  printScreens,
  safetyDigits,
  say,
  shownMessages,
} from './flows.js';

/** The account's id and signing key as the server stores them (what the test's moderator trusts). */
function account(board: Board, handle: string): { accountId: string; signingKey: Uint8Array } {
  // snapshot() gives each row as JSON; a BLOB is { type: 'Buffer', data: [...] }.
  const rows = (board.server.snapshot().accounts ?? []).map(
    (row) =>
      JSON.parse(row as string) as { id: string; handle: string; signing_key: { data: number[] } },
  );
  const row = rows.find((entry) => entry.handle === handle);
  if (row === undefined) throw new Error('no such account');
  return { accountId: row.id, signingKey: new Uint8Array(row.signing_key.data) };
}

/** One's own message with this text in the open conversation, in the state named. */
function ownMessage(page: Page, text: string, status: string) {
  return page.locator(`.message-me[data-status="${status}"]`, { hasText: text });
}

/** What the person reads under their own message: the time and its state in words. */
async function statusText(page: Page, text: string): Promise<string> {
  const meta = page.locator('.message-me', { hasText: text }).locator('.message-meta');
  return (await meta.textContent()) ?? '';
}

describe.skipIf(!hasChromium)(
  `contact, volunteer and chat screens (${hasChromium ? 'chromium' : CHROMIUM_MISSING})`,
  () => {
    let board: Board;
    let browser: Browser;

    beforeAll(async () => {
      [board, browser] = await Promise.all([browserBoard(), launchChromium()]);
      await publishRevocations(board);
    });

    afterAll(async () => {
      closeAllSockets();
      await browser?.close();
      await board?.server.close();
    });

    it('runs from offer and request to a conversation that survives a reload and a drop', async () => {
      const contact = await newRoleContext(browser);
      const volunteer = await newRoleContext(browser);
      try {
        const url = board.server.url;
        const asker = await join(contact.page, url, 'I need help');
        const helper = await join(volunteer.page, url, 'I want to help');
        const v = volunteer.page;
        const c = contact.page;

        // The volunteer: not vetted yet; writes an offer.
        await v.getByRole('button', { name: 'My help' }).click();
        await v.getByText('You have not been vetted yet.', { exact: false }).waitFor();
        await photograph(v, 'volunteer-new');
        await v.getByRole('button', { name: 'Say what I can help with' }).click();
        await v.getByRole('heading', { name: 'What you can help with' }).waitFor();
        // Photographed empty: switching the language shows the screen afresh.
        await photograph(v, 'offer-form');
        await v.getByLabel('I got a summons', { exact: false }).check();
        await v.getByLabel('Experience in', { exact: false }).selectOption('3');
        await v.getByRole('checkbox', { name: 'Volga' }).check();
        await v.getByLabel('A note to the moderators', { exact: false }).fill('Адвокат, 10 лет');
        await v.getByRole('button', { name: 'Save' }).click();
        await v.getByText('People are being proposed to you.').waitFor();

        await vet(board, account(board, helper.handle).accountId);
        await v.getByRole('button', { name: 'Back' }).click();
        await v.getByRole('button', { name: 'My help' }).click();
        await v.getByText('You are vetted: you are offered ordinary requests.').waitFor();

        // The contact asks for help.
        await c.getByRole('button', { name: 'My requests' }).click();
        await c.getByText('You have not asked for help yet.').waitFor();
        await c.getByRole('button', { name: 'Ask for help' }).click();
        await c.getByRole('heading', { name: 'Ask for help' }).waitFor();
        await photograph(c, 'request-form');
        await c.getByRole('button', { name: 'Send the request' }).click();
        await c.getByText('Choose what you need help with.').waitFor(); // nothing chosen yet
        await c.getByLabel('I got a summons', { exact: false }).check();
        await c.getByLabel('In the next few days').check();
        await c.getByLabel('Where are you, roughly?').selectOption('ru.volga');
        await c.getByLabel('What happened?', { exact: false }).fill('Повестка пришла вчера.');
        await c.getByRole('button', { name: 'Send the request' }).click();
        await c.getByRole('heading', { name: 'My requests for help' }).waitFor();
        // Open, or already proposed: the engine runs as soon as the request arrives.
        await c.locator('.card[data-request-state]').waitFor();

        // The engine proposes; anna approves (the contact's screen follows by push).
        await matchingSettled(board);
        const requests = (board.server.snapshot().requests ?? []).map(
          (row) => JSON.parse(row as string) as { id: string },
        );
        expect(requests).toHaveLength(1);
        await approve(board, requests[0]!.id, account(board, helper.handle));
        await c.getByText('A volunteer has been asked and will answer soon.').waitFor();
        await photograph(c, 'contact-requests');

        // The volunteer sees the proposal by push, with the details opened on the device.
        await v.getByRole('heading', { name: 'Waiting for your answer' }).waitFor();
        await v.getByText('Повестка пришла вчера.').waitFor();
        await photograph(v, 'volunteer-proposal');
        await v.getByRole('button', { name: 'Accept and start talking' }).click();
        await v.getByRole('heading', { name: 'Conversation', exact: true }).waitFor();
        await v.getByText('Messages disappear after').waitFor();
        expect(await v.getByLabel('Messages disappear after').inputValue()).toBe(
          String(7 * 24 * 3600),
        );

        // The contact is told and starts talking.
        await c.getByText('A volunteer agreed to help you').waitFor();
        await c.getByRole('button', { name: 'Start talking' }).click();
        await c.getByRole('heading', { name: 'Conversation', exact: true }).waitFor();

        await say(v, 'Здравствуйте, я юрист.');
        await c.getByText('Здравствуйте, я юрист.').waitFor();
        await say(c, 'Спасибо! Что мне делать?');
        await v.getByText('Спасибо! Что мне делать?').waitFor();
        // The contact's browser stored the volunteer's message: it reads "Delivered" (and each
        // side's own message, once the other stored it).
        await ownMessage(v, 'Здравствуйте, я юрист.', 'delivered').waitFor();
        await ownMessage(c, 'Спасибо! Что мне делать?', 'delivered').waitFor();
        expect(await statusText(v, 'Здравствуйте, я юрист.')).toContain('Delivered');
        await photograph(c, 'chat');
        await photograph(v, 'chat-delivered');

        // Safety numbers: the same on both screens (digits and QR); the contact pastes the
        // volunteer's digits and is told they match, and a number one digit off is a loud mismatch.
        const theirs = await safetyDigits(v);
        expect(await safetyDigits(c)).toBe(theirs);
        await c.locator('.safety svg.qr path').waitFor();
        const field = c.getByLabel('The other person’s code or digits (scanned, pasted or typed)');
        await field.fill(theirs);
        await c.getByRole('button', { name: 'Compare' }).click();
        await c.locator('[data-safety-match="same"]').waitFor();
        const offByOne = `${theirs.slice(0, -1)}${(Number(theirs.slice(-1)) + 1) % 10}`;
        await field.fill(offByOne);
        await c.getByRole('button', { name: 'Compare' }).click();
        await c.locator('[data-safety-match="different"]').waitFor();
        await photograph(c, 'chat-safety');

        // A reload mid-conversation: log in again, the same thread, each message once. What the
        // volunteer writes while the contact's browser is away is stored ("Sent") but not
        // delivered until the contact is back and the browser has stored it.
        await c.reload();
        await c.getByRole('button', { name: 'Log in' }).waitFor();
        await say(v, 'Вы здесь?');
        await ownMessage(v, 'Вы здесь?', 'sent').waitFor();
        expect(await statusText(v, 'Вы здесь?')).toContain('Sent');
        await logIn(c, asker);
        await ownMessage(v, 'Вы здесь?', 'delivered').waitFor({ timeout: 30_000 });
        expect(await statusText(v, 'Вы здесь?')).toContain('Delivered');
        await openTheConversation(c);
        await expect
          .poll(() => shownMessages(c))
          .toEqual(['Здравствуйте, я юрист.', 'Спасибо! Что мне делать?', 'Вы здесь?']);

        // A network drop on the volunteer's side: the message waits, then goes, once.
        await volunteer.context.setOffline(true);
        await v.locator('.connection[data-state="reconnecting"]').waitFor();
        await say(v, 'Не ходите пока никуда.');
        await v.locator('.message-me[data-status="waiting-for-network"]').waitFor();
        await photograph(v, 'chat-offline');
        await volunteer.context.setOffline(false);
        await v.locator('.connection[data-state="connected"]').waitFor({ timeout: 30_000 });
        await c.getByText('Не ходите пока никуда.').waitFor({ timeout: 30_000 });
        await say(c, 'Поняла.');
        await v.getByText('Поняла.').waitFor();
        const expected = [
          'Здравствуйте, я юрист.',
          'Спасибо! Что мне делать?',
          'Вы здесь?',
          'Не ходите пока никуда.',
          'Поняла.',
        ];
        await expect.poll(() => shownMessages(c)).toEqual(expected);
        await expect.poll(() => shownMessages(v)).toEqual(expected);
        expect(await v.locator('.message[data-status="waiting-for-network"]').count()).toBe(0);

        // The timer, changed by the contact, reaches the volunteer's screen.
        await c.getByLabel('Messages disappear after').selectOption(String(24 * 3600));
        await expect
          .poll(() => v.getByLabel('Messages disappear after').inputValue())
          .toBe(String(24 * 3600));

        // The chat list, and the volunteer's screen with the person they help.
        await c.getByRole('button', { name: 'Back' }).click();
        await c.getByRole('heading', { name: 'Conversations' }).waitFor();
        await photograph(c, 'chat-list');
        await v.getByRole('button', { name: 'Back' }).click();
        await v.getByRole('heading', { name: 'Conversations' }).waitFor();

        // The volunteer's reconnect attempts while its network was cut are expected, and only those.
        const cut = (line: string) => line.includes('net::ERR_INTERNET_DISCONNECTED');
        expect(volunteer.consoleErrors.some(cut)).toBe(true);
        volunteer.consoleErrors.splice(
          0,
          Infinity,
          ...volunteer.consoleErrors.filter((l) => !cut(l)),
        );
        contact.expectClean();
        volunteer.expectClean();
      } catch (error) {
        // What each person saw when it failed, to read in the test's output (no secrets: test data).
        await printScreens({ volunteer, contact });
        throw error;
      } finally {
        await contact.context.close();
        await volunteer.context.close();
      }
      // Two registrations and a login (Argon2id in the browser each) and every screen twice.
    }, 900_000);
  },
);
