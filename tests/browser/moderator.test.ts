// The moderator's screens in real Chromium against the real server: two moderators, each in a
// browser context of their own, enrol with the operator's code through the register screen and
// are certified by the organisation's root (as `npm run admin -- certify` then
// `import-certificate` would); a volunteer and a contact are driven through the client core in
// Node. The moderators vet the volunteer for dangerous requests (two signatures), read the
// contact's critical request decrypted in their queue as it arrives, approve it together (the
// first approval waits for the second), and dismiss a report whose note they read. Every
// moderator screen passes axe and is photographed in English and Russian at phone width.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KolokolClient } from '@kolokol/client/core';
import { staff, type Staff } from '../support/audit.js';
import {
  CHROMIUM_MISSING,
  hasChromium,
  launchChromium,
  newRoleContext,
} from '../support/browser.js';
import { browserBoard } from '../support/browser-board.js';
import { closeAllSockets } from '../support/client.js';
import { freshLanguage, matchingSettled, type Board } from '../support/matching.js';
import { offerInput } from '../support/requests.js';
import { joined, publishRevocations } from '../ui/support.js';
import { enrolModerator, openModeration, photograph, vetHigh } from './flows.js';

/** A critical skill: its requests need two moderators' approvals, its volunteers two `high`s. */
const CRITICAL = 'military.leaving-service' as const;

describe.skipIf(!hasChromium)(
  `moderator screens (${hasChromium ? 'chromium' : CHROMIUM_MISSING})`,
  () => {
    let board: Board;
    let browser: Browser;
    let admin: Staff;
    const clients: KolokolClient[] = [];

    beforeAll(async () => {
      [board, browser] = await Promise.all([browserBoard(), launchChromium()]);
      await publishRevocations(board);
      admin = await staff(board.server, board.org, 'admin');
    });

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.logout().catch(() => undefined)));
      closeAllSockets();
      await browser?.close();
      await board?.server.close();
    });

    it('vets, reads the queue, approves a critical case by two moderators and dismisses a report', async () => {
      const first = await newRoleContext(browser);
      const second = await newRoleContext(browser);
      try {
        const [firstId, secondId] = await Promise.all([
          enrolModerator(board, admin, first),
          enrolModerator(board, admin, second),
        ]);
        expect(firstId).not.toBe(secondId);
        const m1 = first.page;
        const m2 = second.page;

        // The queue, empty, and the log's head with the labelled place for verifying it.
        await openModeration(m1);
        await m1.getByText('No request is waiting for a decision right now.').waitFor();
        await m1.locator('[data-audit-length]').waitFor();
        await m1.getByRole('button', { name: 'Verify the whole log on this device' }).click();
        await expect(
          m1.locator('[data-audit-verify="ok"]').textContent({ timeout: 30_000 }),
        ).resolves.toMatch(/^Verified on this device: all \d+ entries/);
        await photograph(m1, 'moderation-empty');
        await openModeration(m2);

        // A volunteer (Node, client core) offers the critical skill in a language nobody else has.
        const language = freshLanguage();
        const volunteer = await joined(board, 'volunteer');
        const contact = await joined(board, 'contact');
        clients.push(volunteer, contact);
        const { note: _none, ...offer } = offerInput({
          skills: [{ code: CRITICAL, level: 3 }],
          languages: [language],
        });
        await volunteer.offers.put(offer);

        // Vetting for dangerous requests takes two moderators: the first signature waits.
        await vetHigh(
          m1,
          volunteer.accountId,
          'You vetted them for dangerous requests. A second moderator must sign too.',
        );
        expect((await volunteer.vetting.status()).tier).toBe('none');
        await photograph(m1, 'moderation-vetting');
        await vetHigh(m2, volunteer.accountId, 'vetted for the most dangerous requests');
        expect((await volunteer.vetting.status()).tier).toBe('high');
        for (const page of [m1, m2]) {
          await page.getByRole('button', { name: 'Back' }).click();
          await page.getByRole('heading', { name: 'Moderation', exact: true }).waitFor();
        }

        // The contact asks; the queue shows it live, its details decrypted on each device.
        const details = 'Контракт продлили без моего согласия, хочу уйти со службы.';
        const created = await contact.requests.create({
          skills: [CRITICAL],
          urgency: 'high',
          languages: [language],
          region: 'ru.volga',
          details,
        });
        await matchingSettled(board);
        const card = (page: Page) => page.locator(`li.card[data-request="${created.request.id}"]`);
        for (const page of [m1, m2]) {
          await card(page).getByText(details).waitFor();
          await card(page)
            .getByText('A dangerous topic: two different moderators must approve.')
            .waitFor();
        }
        await photograph(m1, 'moderation-queue');

        // The first approval only records it: the card waits for a different moderator.
        await card(m1).getByRole('button', { name: 'Approve (first of two)' }).click();
        await card(m1)
          .getByText('You approved. Waiting for a second moderator', { exact: false })
          .waitFor();
        await expect(
          card(m1).getByRole('button', { name: 'Approve', exact: true }).isDisabled(),
        ).resolves.toBe(true);
        expect(await volunteer.matches.list()).toEqual([]);
        await card(m2)
          .getByText('One moderator approved already. A second approval is needed.')
          .waitFor();
        await photograph(m2, 'moderation-awaiting-second');

        // The second moderator's approval: the volunteer is offered it and reads the details.
        await card(m2).getByRole('button', { name: 'Approve', exact: true }).click();
        await card(m2).waitFor({ state: 'detached' });
        await card(m1).waitFor({ state: 'detached' });
        const matches = await volunteer.matches.list();
        expect(matches).toHaveLength(1);
        expect(matches[0]?.match.state).toBe('approved');
        expect(matches[0]?.details?.text).toBe(details);

        // A report with a note sealed to the moderators: read on the device, then dismissed.
        const note = 'Этот волонтёр просил у меня деньги.';
        const report = await contact.reports.create({
          subject: volunteer.accountId,
          reason: 'scam',
          note,
        });
        await m1.getByRole('button', { name: 'Reports' }).click();
        await m1.getByRole('heading', { name: 'Reports' }).waitFor();
        const reportCard = m1.locator(`li.card[data-report="${report.id}"]`);
        await reportCard.getByText(note).waitFor();
        await photograph(m1, 'moderation-reports');
        await reportCard.getByRole('button', { name: 'Close without action' }).click();
        await reportCard.waitFor({ state: 'detached' });
        await m1.getByText('No open reports.').waitFor();
        const stored = (board.server.snapshot().reports ?? []).map(
          (row) => JSON.parse(row as string) as { id: string; state: string },
        );
        expect(stored.find((row) => row.id === report.id)?.state).toBe('dismissed');

        // Suspensions: the screen, checked and photographed (its decisions: staff-actions tests).
        await m1.getByRole('button', { name: 'Back' }).click();
        await m1.getByRole('button', { name: 'Suspending accounts' }).click();
        await m1.getByRole('heading', { name: 'Suspending accounts' }).waitFor();
        await m1.getByLabel('Account number').fill('not an id');
        await m1.getByRole('button', { name: 'Suspend', exact: true }).click();
        await m1.getByText('This is not an account number.', { exact: false }).waitFor();
        await photograph(m1, 'moderation-suspensions');

        first.expectClean();
        second.expectClean();
      } finally {
        await Promise.all([first.context.close(), second.context.close()]);
      }
    }, 900_000);
  },
);
