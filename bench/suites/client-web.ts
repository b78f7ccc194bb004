// The web client in Debian's Chromium against the real server (a loopback, so the figures are the
// client's own cost, not a network's):
// - client.first_load_kb: compressed bytes of every response (bodies as sent, encoded, plus
//   headers) from a fresh profile's first request until the first usable screen (the language
//   choice) shows. Target ≤ 400 (issue 10); libsodium-sumo alone is ≈ 172 of it.
// - client.login_ms: from pressing "Log in" (name and passphrase typed, on a device that holds
//   the account key) to the unlocked home screen: Argon2id at the user cost in the page, the
//   challenge and login, opening the sealed state, connecting, topping up prekeys. The median of
//   LOGIN_SAMPLES logins.
// Without /usr/bin/chromium the suite says so and reports nothing.
import type { Page } from 'playwright-core';
import { buildClient } from '../../scripts/client-build.js';
import {
  CHROMIUM_MISSING,
  hasChromium,
  launchChromium,
  newRoleContext,
  startBrowserServer,
} from '../../tests/support/browser.js';
import {
  confirmKitSaved,
  freshHandle,
  logIn,
  openInEnglish,
  registerWithGeneratedPassphrase,
} from '../../tests/browser/flows.js';
import type { BenchResult } from '../measure.js';

const LOGIN_SAMPLES = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Bytes on the wire of every request the page finished so far (encoded bodies and headers). */
function countTransfer(page: Page): () => Promise<number> {
  const pending: Promise<number>[] = [];
  page.on('requestfinished', (request) => {
    pending.push(
      request.sizes().then((sizes) => sizes.responseBodySize + sizes.responseHeadersSize),
    );
  });
  return async () => (await Promise.all(pending)).reduce((a, b) => a + b, 0);
}

export async function run(): Promise<BenchResult[]> {
  if (!hasChromium) {
    console.log(`client-web: skipped, ${CHROMIUM_MISSING}`);
    return [];
  }
  await buildClient();
  const server = await startBrowserServer();
  const browser = await launchChromium();
  try {
    const first = await newRoleContext(browser);
    const transferred = countTransfer(first.page);
    await first.page.goto(server.url);
    await first.page.getByRole('button', { name: 'English' }).waitFor();
    await first.page.waitForLoadState('networkidle');
    const firstLoadKb = (await transferred()) / 1024;
    await first.context.close();

    const role = await newRoleContext(browser);
    await openInEnglish(role.page, server.url);
    const account = await registerWithGeneratedPassphrase(role.page, freshHandle('bench'));
    await confirmKitSaved(role.page, account.handle);
    const samples: number[] = [];
    for (let i = 0; i < LOGIN_SAMPLES; i += 1) {
      await role.page.getByRole('button', { name: 'Settings' }).click();
      await role.page.getByRole('button', { name: 'Log out', exact: true }).click();
      await role.page.getByRole('heading', { name: 'Welcome' }).waitFor();
      const start = performance.now();
      await logIn(role.page, account);
      samples.push(performance.now() - start);
    }
    await role.context.close();
    return [
      {
        name: 'client.first_load_kb',
        value: firstLoadKb,
        unit: 'KiB',
        better: 'lower',
        target: 400,
      },
      { name: 'client.login_ms', value: median(samples), unit: 'ms', better: 'lower' },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}
