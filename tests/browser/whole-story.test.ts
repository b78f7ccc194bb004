// The whole story in one real Chromium, every person acting through the web UI in a browser
// context of their own: a contact, a volunteer, two moderators (a dangerous topic needs two), and
// later a second device of the contact. The volunteer writes an offer and tells the moderators
// their account number from their screen; both moderators vet them for dangerous requests; the
// contact asks for help on a critical topic, right now; the engine proposes; the queue shows the
// request decrypted on both moderators' devices; the first approval waits for the second; the
// volunteer reads the details and accepts; messages go both ways; both compare safety numbers;
// the contact adds a second device with the recovery kit's words, which sees the conversation and
// writes in it; then panic on the first device: its profile holds nothing, its session ends, and
// the second device — which panic does not touch (docs/client.md, "Panic") — still talks and
// removes the erased device from the account. Only the operator's steps, which have no screen
// (enrolment codes, certificates, the revocation list), run in Node. Each role's main screens
// (and the neutral page after panic) pass axe and are photographed in English and Russian at phone
// width (the account screens on their own: account.test.ts).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecoveryWords } from '@kolokol/shared/crypto';
import { staff, type Staff } from '../support/audit.js';
import {
  CHROMIUM_MISSING,
  expectAccessible,
  hasChromium,
  launchChromium,
  newRoleContext,
  screenshot,
  type RoleContext,
} from '../support/browser.js';
import { browserBoard } from '../support/browser-board.js';
import { closeAllSockets } from '../support/client.js';
import type { Board } from '../support/matching.js';
import { publishRevocations } from '../ui/support.js';
import { containsBytes, dumpBrowserStorage } from './browser-storage.js';
import {
  enrolModerator,
  join,
  logIn,
  openInEnglish,
  openModeration,
  openTheConversation,
  photograph,
  printScreens,
  safetyDigits,
  say,
  shownMessages,
  vetHigh,
} from './flows.js';

/** A critical skill: its requests need two moderators' approvals, its volunteers two `high`s. */
const SKILL_LABEL = 'I am serving and want to leave the army safely';

/** Pushes and reconnects on a loaded two-core machine: a generous wait for a state to show. */
const LIVE_WAIT_MS = 60_000;

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The ids of the devices on the page's Devices screen, and which one is this device. */
async function devicesShown(page: Page): Promise<{ all: string[]; self: string }> {
  const rows = page.getByTestId('devices').locator('li');
  await rows.first().waitFor();
  const all = await rows.evaluateAll((items) =>
    items.map((item) => item.getAttribute('data-device') ?? ''),
  );
  const self = await rows.filter({ hasText: 'This device' }).getAttribute('data-device');
  return { all, self: self ?? '' };
}

/** The account's sessions the server holds live (not revoked), as the device each is bound to. */
function liveSessionDevices(board: Board, accountId: string): (string | null)[] {
  return (board.server.snapshot().sessions ?? [])
    .map(
      (row) =>
        JSON.parse(row as string) as {
          account_id: string;
          device_id: string | null;
          revoked_at: number | null;
        },
    )
    .filter((row) => row.account_id === accountId && row.revoked_at === null)
    .map((row) => row.device_id);
}

describe.skipIf(!hasChromium)(
  `the whole story (${hasChromium ? 'chromium' : CHROMIUM_MISSING})`,
  () => {
    let board: Board;
    let browser: Browser;
    let admin: Staff;

    beforeAll(async () => {
      [board, browser] = await Promise.all([browserBoard(), launchChromium()]);
      await publishRevocations(board);
      admin = await staff(board.server, board.org, 'admin');
    });

    afterAll(async () => {
      closeAllSockets();
      await browser?.close();
      await board?.server.close();
    });

    it('runs register, offer, vet, request, two-moderator approval, chat, safety numbers, a second device and panic', async () => {
      const role = () => newRoleContext(browser);
      const [contact, volunteer, first, second, laptop] = [
        await role(),
        await role(),
        await role(),
        await role(),
        await role(),
      ];
      const roles: Record<string, RoleContext> = { contact, volunteer, first, second, laptop };
      try {
        const url = board.server.url;
        const c = contact.page;
        const v = volunteer.page;
        const m1 = first.page;
        const m2 = second.page;
        const c2 = laptop.page;

        // Four people register at once (Argon2id in each page); the moderators with the operator's code.
        const [asker, , firstId, secondId] = await Promise.all([
          join(c, url, 'I need help'),
          join(v, url, 'I want to help'),
          enrolModerator(board, admin, first),
          enrolModerator(board, admin, second),
        ]);
        expect(firstId).not.toBe(secondId);
        await photograph(c, 'story-contact-home');

        // The volunteer: not vetted yet; their account number on their screen; an offer written.
        await v.getByRole('button', { name: 'My help' }).click();
        await v.getByText('You have not been vetted yet.', { exact: false }).waitFor();
        const volunteerId = (await v.locator('.account-id').textContent()) ?? '';
        expect(volunteerId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
        await photograph(v, 'story-volunteer-new');
        await v.getByRole('button', { name: 'Say what I can help with' }).click();
        await v.getByRole('heading', { name: 'What you can help with' }).waitFor();
        await photograph(v, 'story-offer-form'); // empty: a language switch shows the form afresh
        await v.getByLabel(SKILL_LABEL, { exact: false }).check();
        await v.getByLabel('Experience in', { exact: false }).selectOption('3');
        await v.getByRole('checkbox', { name: 'Volga' }).check();
        await v.getByLabel('A note to the moderators', { exact: false }).fill('Бывший офицер');
        await v.getByRole('button', { name: 'Save' }).click();
        await v.getByText('People are being proposed to you.').waitFor();

        // Both moderators vet the volunteer for dangerous requests by the number read from it.
        await Promise.all([openModeration(m1), openModeration(m2)]);
        await m1.getByText('No request is waiting for a decision right now.').waitFor();
        await photograph(m1, 'story-moderation-empty');
        await vetHigh(
          m1,
          volunteerId,
          'You vetted them for dangerous requests. A second moderator must sign too.',
        );
        await photograph(m1, 'story-moderation-vetting');
        await vetHigh(m2, volunteerId, 'vetted for the most dangerous requests');
        for (const page of [m1, m2]) {
          await page.getByRole('button', { name: 'Back' }).click();
          await page.getByRole('heading', { name: 'Moderation', exact: true }).waitFor();
        }
        await v.getByRole('button', { name: 'Back' }).click();
        await v.getByRole('button', { name: 'My help' }).click();
        await v.getByText('You are vetted for the most dangerous requests.').waitFor();

        // The contact asks for help on the dangerous topic, right now.
        const details = 'Контракт продлили без моего согласия, хочу уйти со службы.';
        await c.getByRole('button', { name: 'My requests' }).click();
        await c.getByText('You have not asked for help yet.').waitFor();
        await c.getByRole('button', { name: 'Ask for help' }).click();
        await c.getByRole('heading', { name: 'Ask for help' }).waitFor();
        await photograph(c, 'story-request-form');
        await c.getByLabel(SKILL_LABEL, { exact: false }).check();
        await c.getByLabel('Right now: I am in danger').check();
        await c.getByLabel('Where are you, roughly?').selectOption('ru.volga');
        await c.getByLabel('What happened?', { exact: false }).fill(details);
        await c.getByRole('button', { name: 'Send the request' }).click();
        await c.getByRole('heading', { name: 'My requests for help' }).waitFor();

        // The queue shows it live on both moderators' devices, decrypted there, marked two-person.
        const card = (page: Page) =>
          page.locator('li.card[data-request]').filter({ hasText: details });
        for (const page of [m1, m2]) {
          await card(page).waitFor({ timeout: LIVE_WAIT_MS });
          await card(page)
            .getByText('A dangerous topic: two different moderators must approve.')
            .waitFor();
        }
        await photograph(m1, 'story-moderation-queue');

        // The first approval waits for a different moderator; the volunteer is offered nothing yet.
        await card(m1).getByRole('button', { name: 'Approve (first of two)' }).click();
        await card(m1)
          .getByText('You approved. Waiting for a second moderator', { exact: false })
          .waitFor();
        expect(
          await card(m1).getByRole('button', { name: 'Approve', exact: true }).isDisabled(),
        ).toBe(true);
        await card(m2)
          .getByText('One moderator approved already. A second approval is needed.')
          .waitFor({ timeout: LIVE_WAIT_MS });
        await photograph(m2, 'story-moderation-awaiting-second');
        await c
          .getByText('A volunteer was found; a moderator is checking.')
          .waitFor({ timeout: LIVE_WAIT_MS });
        expect(await v.getByText('Nobody is waiting for your answer right now.').count()).toBe(1);

        // The second approval: the card leaves both queues; the volunteer is asked, by push.
        await card(m2).getByRole('button', { name: 'Approve', exact: true }).click();
        await card(m2).waitFor({ state: 'detached', timeout: LIVE_WAIT_MS });
        await card(m1).waitFor({ state: 'detached', timeout: LIVE_WAIT_MS });
        await c
          .getByText('A volunteer has been asked and will answer soon.')
          .waitFor({ timeout: LIVE_WAIT_MS });
        await photograph(c, 'story-contact-requests');
        await v.getByText(details).waitFor({ timeout: LIVE_WAIT_MS });
        await photograph(v, 'story-volunteer-proposal');
        await v.getByRole('button', { name: 'Accept and start talking' }).click();
        await v.getByRole('heading', { name: 'Conversation', exact: true }).waitFor();

        // The contact is told and starts talking; messages go both ways.
        await c.getByText('A volunteer agreed to help you').waitFor({ timeout: LIVE_WAIT_MS });
        await c.getByRole('button', { name: 'Start talking' }).click();
        await c.getByRole('heading', { name: 'Conversation', exact: true }).waitFor();
        await say(v, 'Здравствуйте, я помогу.');
        await c.getByText('Здравствуйте, я помогу.').waitFor({ timeout: LIVE_WAIT_MS });
        await say(c, 'Спасибо! С чего начать?');
        await v.getByText('Спасибо! С чего начать?').waitFor({ timeout: LIVE_WAIT_MS });
        await photograph(c, 'story-contact-chat');
        await photograph(v, 'story-volunteer-chat');

        // Safety numbers: the same on both screens; each compares the other's digits and is told so.
        const numbers = { contact: await safetyDigits(c), volunteer: await safetyDigits(v) };
        expect(numbers.contact).toBe(numbers.volunteer);
        const compare = async (page: Page, theirs: string) => {
          await page
            .getByLabel('The other person’s code or digits (scanned, pasted or typed)')
            .fill(theirs);
          await page.getByRole('button', { name: 'Compare' }).click();
          await page.locator('[data-safety-match="same"]').waitFor();
        };
        await compare(c, numbers.volunteer);
        await compare(v, numbers.contact);
        await photograph(v, 'story-chat-safety');

        // A second device of the contact, added with the recovery kit's words.
        await c.getByRole('button', { name: 'Back' }).click();
        await c.getByRole('button', { name: 'Back' }).click();
        await c.getByRole('button', { name: 'Devices' }).click();
        const before = await devicesShown(c);
        await openInEnglish(c2, url);
        await c2.getByRole('button', { name: 'Log in' }).click();
        await c2.getByLabel('This is a new device').check();
        await c2.getByLabel('The 12 words', { exact: false }).waitFor();
        await photograph(c2, 'story-add-device');
        await c2.getByRole('button', { name: 'Back' }).click();
        await logIn(c2, asker);
        await c2.getByRole('button', { name: 'Devices' }).click();
        await expect.poll(async () => (await devicesShown(c2)).all.length).toBe(2);
        const linked = await devicesShown(c2);
        expect(linked.all).toContain(before.self);
        expect(linked.self).not.toBe(before.self);
        await photograph(c2, 'story-devices');
        await c2.getByRole('button', { name: 'Back' }).click();

        // It sees the conversation; its safety number with the volunteer is the same (one identity);
        // the volunteer's next message reaches both devices; the second device's reaches the volunteer.
        await openTheConversation(c2);
        await say(v, 'Вы на связи с двух устройств?');
        await c2.getByText('Вы на связи с двух устройств?').waitFor({ timeout: LIVE_WAIT_MS });
        await c.getByRole('button', { name: 'Back' }).click();
        await openTheConversation(c);
        await c.getByText('Вы на связи с двух устройств?').waitFor({ timeout: LIVE_WAIT_MS });
        await say(c2, 'Да, пишу с ноутбука.');
        await v.getByText('Да, пишу с ноутбука.').waitFor({ timeout: LIVE_WAIT_MS });
        expect(await safetyDigits(c2)).toBe(numbers.volunteer);
        await photograph(c2, 'story-second-device-chat');

        // At rest before panic: records, but no handle, message or account key readable in them.
        const atRest = await dumpBrowserStorage(c);
        expect(atRest.records.length).toBeGreaterThan(0);
        const secrets = new Map([
          ['handle', utf8(asker.handle)],
          ['a message', utf8('Спасибо! С чего начать?')],
          ['account key', parseRecoveryWords(asker.words.join(' '))],
        ]);
        const readable = [...secrets].filter(([, bytes]) =>
          atRest.records.some((record) => containsBytes(record.bytes, bytes)),
        );
        expect(readable.map(([what]) => what)).toEqual([]);

        // Panic on the first device, from the chat: nothing of the account is left in its profile.
        const contactId = (await board.server.server.services.accounts.findByHandle(asker.handle))
          .id;
        expect(liveSessionDevices(board, contactId)).toContain(before.self);
        await c.getByRole('button', { name: /Erase everything/ }).click();
        await c.getByText('This page is empty.').waitFor();
        await expect.poll(async () => (await dumpBrowserStorage(c)).databases).toEqual([]);
        expect(await dumpBrowserStorage(c)).toEqual({
          databases: [],
          records: [],
          localStorage: {},
          sessionStorage: {},
          caches: [],
        });
        await expectAccessible(c, 'neutral');
        await screenshot(c, 'story-after-panic-phone');

        // As documented: panic ends this device's session (best effort, so polled), not the
        // account's; the erased device stays in the account's list until another device removes it.
        await expect
          .poll(() => liveSessionDevices(board, contactId).includes(before.self), {
            timeout: LIVE_WAIT_MS,
          })
          .toBe(false);
        expect(liveSessionDevices(board, contactId)).toContain(linked.self);
        await c2.locator('.connection[data-state="connected"]').waitFor();
        await say(c2, 'Я стёрла телефон.');
        await v.getByText('Я стёрла телефон.').waitFor({ timeout: LIVE_WAIT_MS });
        await say(v, 'Хорошо, пишите отсюда.');
        await c2.getByText('Хорошо, пишите отсюда.').waitFor({ timeout: LIVE_WAIT_MS });
        await c2.getByRole('button', { name: 'Back' }).click();
        await c2.getByRole('button', { name: 'Back' }).click();
        await c2.getByRole('button', { name: 'Devices' }).click();
        expect((await devicesShown(c2)).all).toEqual(linked.all);
        c2.once('dialog', (dialog) => void dialog.accept());
        await c2.getByRole('button', { name: `Remove device ${before.self.slice(0, 8)}` }).click();
        await c2.getByText('The device was removed.').waitFor();
        await expect.poll(async () => (await devicesShown(c2)).all).toEqual([linked.self]);

        // After the erased device is gone, the conversation goes on: nothing was lost on this side.
        await c2.getByRole('button', { name: 'Back' }).click();
        await openTheConversation(c2);
        await say(v, 'Теперь только ноутбук.');
        await c2.getByText('Теперь только ноутбук.').waitFor({ timeout: LIVE_WAIT_MS });
        await expect
          .poll(() => shownMessages(v))
          .toEqual([
            'Здравствуйте, я помогу.',
            'Спасибо! С чего начать?',
            'Вы на связи с двух устройств?',
            'Да, пишу с ноутбука.',
            'Я стёрла телефон.',
            'Хорошо, пишите отсюда.',
            'Теперь только ноутбук.',
          ]);
        // The second device holds what was written from when it joined, each once: messages are
        // encrypted to the peer's devices, so what came before stays on the device that had it.
        expect(await shownMessages(c2)).toEqual([
          'Вы на связи с двух устройств?',
          'Да, пишу с ноутбука.',
          'Я стёрла телефон.',
          'Хорошо, пишите отсюда.',
          'Теперь только ноутбук.',
        ]);

        for (const role of Object.values(roles)) role.expectClean();
      } catch (error) {
        await printScreens(roles);
        throw error;
      } finally {
        await Promise.all(Object.values(roles).map((role) => role.context.close()));
      }
      // Four registrations and a login (Argon2id in the page each), and every screen twice.
    }, 600_000);
  },
);
