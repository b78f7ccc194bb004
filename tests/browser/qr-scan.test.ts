// The camera's QR reader (client/src/ui/components/qr-scanner.tsx) in real Chromium with
// Chromium's fake camera filming a Y4M the test writes (fake-camera.ts), against the real server:
// - a second device logs in by scanning the recovery kit's QR code exactly as the first device's
//   kit screen drew it (the name filled in from it), after a QR code that is not a kit was
//   refused in words with nothing changed;
// - in a real conversation, the contact scans the volunteer's safety QR (made by the volunteer's
//   real core): "match"; a different safety number: the loud mismatch; a code that is no safety
//   number: refused in words, the last result unchanged;
// - after every read the camera's track is 'ended' (the page stopped it); Cancel and the panic
//   button stop it too;
// - a browser with no camera, and one whose person refuses it, say so and keep the field for
//   typing.
// Every state passes axe; nothing leaves loopback; no console error and no CSP violation (the
// scanner runs under the strict policy as served).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeSafetyNumberText,
  generateIdentity,
  publicIdentity,
  RECOVERY_PAYLOAD_PREFIX,
  safetyNumber,
} from '@kolokol/shared/crypto';
import { ChatThread } from '../../client/src/ui/chat/thread.js';
import {
  offerDraft,
  toNewOffer,
  toggleOfferRegion,
  toggleOfferSkill,
} from '../../client/src/ui/volunteer/offer-draft.js';
import { VolunteerDesk } from '../../client/src/ui/volunteer/volunteer-desk.js';
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
import { browserBoard } from '../support/browser-board.js';
import { closeAllSockets } from '../support/client.js';
import { eventually } from '../client/support.js';
import { matchingSettled, type Board } from '../support/matching.js';
import type { TestServer } from '../support/server.js';
import { approve, joined, vet } from '../ui/support.js';
import {
  cameraTrackStates,
  launchChromiumWithCamera,
  modulesFromSvg,
  modulesOf,
  NO_CODE,
  watchCameraStreams,
  type FakeCamera,
} from './fake-camera.js';
import {
  confirmKitSaved,
  freshHandle,
  openInEnglish,
  registerWithGeneratedPassphrase,
} from './flows.js';

/** Argon2id in the page at registration and login: minutes on a loaded two-core machine. */
const ARGON2_WAIT_MS = 240_000;

/** Every camera track the page started is stopped ('ended'), and there was at least one. */
async function expectCameraOff(page: Page, started: number): Promise<void> {
  await expect.poll(() => cameraTrackStates(page)).toEqual(new Array(started).fill('ended'));
}

describe.skipIf(!hasChromium)(
  `the camera's QR reader (${hasChromium ? 'chromium' : CHROMIUM_MISSING})`,
  () => {
    let browser: Browser;
    let camera: FakeCamera;

    beforeAll(async () => {
      [browser, camera] = await Promise.all([launchChromium(), launchChromiumWithCamera()]);
    });

    afterAll(async () => {
      closeAllSockets();
      await browser?.close();
      await camera?.close();
    });

    describe('adding a device', () => {
      let server: TestServer;
      beforeAll(async () => {
        server = await startBrowserServer();
      });
      afterAll(async () => {
        await server?.close();
      });

      it(
        'logs a second device in by scanning the kit, after refusing a code that is not one',
        { timeout: BROWSER_FLOW_TIMEOUT_MS * 2 },
        async () => {
          const phone = await newRoleContext(browser);
          const laptop = await newRoleContext(camera.browser);
          try {
            await openInEnglish(phone.page, server.url);
            const account = await registerWithGeneratedPassphrase(phone.page, freshHandle('scan'));
            const kitCode = await modulesFromSvg(phone.page, 'svg.qr');
            await confirmKitSaved(phone.page, account.handle);

            const page = laptop.page;
            await watchCameraStreams(page);
            await openInEnglish(page, server.url);
            await page.getByRole('button', { name: 'Log in' }).click();
            await page.getByLabel('Passphrase', { exact: true }).fill(account.passphrase);
            await page.getByLabel('This is a new device').check();
            const nameField = page.getByLabel('Name', { exact: true });
            const kitField = page.getByLabel(
              'The 12 words or the QR code text of your recovery kit',
            );
            const scan = page.getByRole('button', {
              name: 'Scan the recovery kit’s QR code with the camera',
            });

            // A QR code that is not a kit: refused in words, the field unchanged, the camera off.
            await camera.show(modulesOf('https://example.org/not-a-recovery-kit'));
            await scan.focus();
            await page.keyboard.press('Enter'); // the keyboard alone starts it
            await page
              .getByRole('alert')
              .filter({ hasText: 'This is not a Kolokol recovery QR code. Nothing was changed.' })
              .waitFor({ timeout: 30_000 });
            expect(await kitField.inputValue()).toBe('');
            expect(await nameField.inputValue()).toBe('');
            await expectCameraOff(page, 1);
            await expectAccessible(page, 'login-scan-refused');

            // Cancel while scanning: the camera stops, nothing is read.
            await camera.show(NO_CODE);
            await page.getByRole('button', { name: 'Scan again' }).click();
            await page.getByText('Point the camera at the QR code').waitFor();
            expect(await page.locator('video.qr-scanner-video').isVisible()).toBe(true);
            await expectAccessible(page, 'login-scanning');
            await screenshot(page, 'login-scanning-en-phone');
            await page.getByRole('button', { name: 'Stop the camera' }).click();
            await expectCameraOff(page, 2);
            expect(await page.locator('video.qr-scanner-video').isVisible()).toBe(false);

            // The kit's QR code exactly as the first device drew it: read, then log in.
            await camera.show(kitCode);
            await scan.click();
            await page
              .getByRole('status')
              .filter({ hasText: 'Recovery kit read. Now press “Log in”.' })
              .waitFor({ timeout: 30_000 });
            await expectCameraOff(page, 3);
            expect((await kitField.inputValue()).startsWith(RECOVERY_PAYLOAD_PREFIX)).toBe(true);
            // The kit names its account: the empty name field is filled in from it.
            expect(await nameField.inputValue()).toBe(account.handle);
            await expectAccessible(page, 'login-scan-read');
            await page.getByRole('button', { name: 'Log in', exact: true }).click();
            await page
              .getByRole('heading', { name: `Logged in as ${account.handle}` })
              .waitFor({ timeout: ARGON2_WAIT_MS });

            await phone.page.getByRole('button', { name: 'Devices' }).click();
            await expect
              .poll(() => phone.page.getByTestId('devices').locator('li').count())
              .toBe(2);
            phone.expectClean();
            laptop.expectClean();
          } finally {
            await phone.context.close();
            await laptop.context.close();
          }
        },
      );

      it(
        'turns the camera off when the panic button is pressed mid-scan',
        { timeout: BROWSER_FLOW_TIMEOUT_MS },
        async () => {
          const role = await newRoleContext(camera.browser);
          try {
            const { page } = role;
            await watchCameraStreams(page);
            await camera.show(NO_CODE);
            await openInEnglish(page, server.url);
            await page.getByRole('button', { name: 'Log in' }).click();
            await page.getByLabel('This is a new device').check();
            await page
              .getByRole('button', { name: 'Scan the recovery kit’s QR code with the camera' })
              .click();
            await page.getByText('Point the camera at the QR code').waitFor();
            expect(await cameraTrackStates(page)).toEqual(['live']);
            await page.getByRole('button', { name: 'Erase everything' }).click();
            await page.getByText('This page is empty.').waitFor();
            await expectCameraOff(page, 1);
            role.expectClean();
          } finally {
            await role.context.close();
          }
        },
      );

      it(
        'says in words when there is no camera, and the field for typing stays',
        { timeout: BROWSER_FLOW_TIMEOUT_MS },
        async () => {
          // The plain browser has no camera device at all.
          const role = await newRoleContext(browser);
          try {
            const { page } = role;
            // jsqr is its own chunk, fetched only when a scan starts (not part of the first load).
            const decoderFetches: string[] = [];
            page.on('request', (request) => {
              if (/\/assets\/jsQR-[^/]*\.js$/.test(new URL(request.url()).pathname)) {
                decoderFetches.push(request.url());
              }
            });
            await openInEnglish(page, server.url);
            await page.getByRole('button', { name: 'Log in' }).click();
            await page.getByLabel('This is a new device').check();
            expect(decoderFetches).toEqual([]);
            await page
              .getByRole('button', { name: 'Scan the recovery kit’s QR code with the camera' })
              .click();
            await page
              .getByRole('alert')
              .filter({ hasText: /^No camera can be used here/ })
              .waitFor();
            await expect.poll(() => decoderFetches.length).toBe(1);
            expect(
              await page
                .getByLabel('The 12 words or the QR code text of your recovery kit')
                .isEditable(),
            ).toBe(true);
            await expectAccessible(page, 'login-no-camera');
            role.expectClean();
          } finally {
            await role.context.close();
          }
        },
      );
    });

    it(
      'says in words when the camera is refused, and the field for typing stays',
      { timeout: BROWSER_FLOW_TIMEOUT_MS },
      async () => {
        const refusing = await launchChromiumWithCamera({ allow: false });
        const server = await startBrowserServer();
        const role = await newRoleContext(refusing.browser);
        try {
          const { page } = role;
          await watchCameraStreams(page);
          await openInEnglish(page, server.url);
          await page.getByRole('button', { name: 'Log in' }).click();
          await page.getByLabel('This is a new device').check();
          await page
            .getByRole('button', { name: 'Scan the recovery kit’s QR code with the camera' })
            .click();
          await page
            .getByRole('alert')
            .filter({ hasText: /^The camera was not allowed/ })
            .waitFor();
          expect(await cameraTrackStates(page)).toEqual([]);
          expect(
            await page
              .getByLabel('The 12 words or the QR code text of your recovery kit')
              .isEditable(),
          ).toBe(true);
          await expectAccessible(page, 'login-camera-refused');
          role.expectClean();
        } finally {
          await role.context.close();
          await refusing.close();
          await server.close();
        }
      },
    );

    describe('safety numbers', () => {
      let board: Board;
      beforeAll(async () => {
        board = await browserBoard();
      });
      afterAll(async () => {
        await board?.server.close();
      });

      it(
        'compares the peer’s scanned safety QR: a match, a loud mismatch, and a code that is none',
        { timeout: BROWSER_FLOW_TIMEOUT_MS * 3 },
        async () => {
          const contact = await newRoleContext(camera.browser);
          const volunteer = await joined(board, 'volunteer');
          const desk = new VolunteerDesk(volunteer);
          try {
            const c = contact.page;
            await watchCameraStreams(c);

            // The volunteer (the real core): an offer for what the contact will ask, vetted.
            await desk.start();
            const offer = toNewOffer({
              ...toggleOfferRegion(
                toggleOfferSkill(offerDraft(null, 'en', 180), 'legal.military-law'),
                'ru.volga',
              ),
              languages: ['en', 'ru'],
            });
            if (!offer.ok) throw new Error(offer.problems.join());
            await desk.saveOffer(offer.offer, offer.keptNote);
            await vet(board, volunteer.accountId);

            // The contact in the browser asks for help.
            await openInEnglish(c, board.server.url);
            const asker = await registerWithGeneratedPassphrase(c, freshHandle('safe'));
            await confirmKitSaved(c, asker.handle);
            await c.getByRole('button', { name: 'My requests' }).click();
            await c.getByRole('button', { name: 'Ask for help' }).click();
            await c.getByLabel('I got a summons', { exact: false }).check();
            await c.getByLabel('Where are you, roughly?').selectOption('ru.volga');
            await c.getByLabel('What happened?', { exact: false }).fill('Повестка.');
            await c.getByRole('button', { name: 'Send the request' }).click();
            await c.getByRole('heading', { name: 'My requests for help' }).waitFor();
            await c.locator('.card[data-request-state]').waitFor();

            // Anna approves; the volunteer accepts and writes first.
            await matchingSettled(board);
            const requests = (board.server.snapshot().requests ?? []).map(
              (row) => JSON.parse(row as string) as { id: string },
            );
            expect(requests).toHaveLength(1);
            await approve(board, requests[0]!.id, {
              accountId: volunteer.accountId,
              signingKey: volunteer.identity.signingKey,
            });
            await eventually(() => desk.proposals().length === 1);
            const [proposal] = desk.proposals();
            const conversation = await desk.accept(proposal!);
            const thread = new ChatThread(volunteer, conversation.id);
            await thread.load();
            await thread.send('Здравствуйте, я юрист.');
            await c.getByText('A volunteer agreed to help you').waitFor({ timeout: 30_000 });
            await c.getByRole('button', { name: 'Start talking' }).click();
            await c.getByText('Здравствуйте, я юрист.').waitFor({ timeout: 30_000 });
            thread.stop();

            // The volunteer's safety number, by the volunteer's own core: the same digits.
            const theirs = volunteer.safety.of(proposal!.match.counterpartId);
            await c.getByText('Safety number').click();
            expect(await c.locator('.safety-digits').getAttribute('data-digits')).toBe(
              theirs.digits,
            );

            const scan = c.getByRole('button', {
              name: 'Scan the other person’s QR code with the camera',
            });
            await camera.show(modulesOf(theirs.code));
            await scan.click();
            await c.locator('[data-safety-match="same"]').waitFor({ timeout: 30_000 });
            await c.getByText('The numbers match: nobody is in between.').waitFor();
            await expectCameraOff(c, 1);
            await expectAccessible(c, 'safety-scan-same');

            // Another pair's safety number: the loud mismatch.
            const other = safetyNumber(
              publicIdentity(generateIdentity()),
              publicIdentity(generateIdentity()),
            );
            await camera.show(modulesOf(encodeSafetyNumberText(other)));
            await c.getByRole('button', { name: 'Scan again' }).click();
            await c.locator('[data-safety-match="different"]').waitFor({ timeout: 30_000 });
            await c.getByText('The numbers DO NOT match.', { exact: false }).waitFor();
            await expectCameraOff(c, 2);
            await expectAccessible(c, 'safety-scan-different');
            await screenshot(c, 'chat-safety-scan-different-en-phone');

            // A code that is no safety number: refused in words; the last result stays.
            await camera.show(modulesOf('hello'));
            await c.getByRole('button', { name: 'Scan again' }).click();
            await c
              .getByRole('alert')
              .filter({ hasText: 'This is not a safety number.' })
              .waitFor({ timeout: 30_000 });
            await c.getByText('Nothing was changed.', { exact: false }).waitFor();
            expect(await c.locator('[data-safety-match]').getAttribute('data-safety-match')).toBe(
              'different',
            );
            await expectCameraOff(c, 3);
            contact.expectClean();
          } finally {
            desk.stop();
            await volunteer.logout().catch(() => undefined);
            await contact.context.close();
          }
        },
      );
    });
  },
);
