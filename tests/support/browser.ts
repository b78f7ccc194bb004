// Real Chromium for the web client's tests (tests/browser): Debian's /usr/bin/chromium driven by
// playwright-core (never a downloaded browser), one browser per test file, a fresh context per
// role, and per context a guard that records every request leaving loopback (and aborts it), every
// console error and every Content-Security-Policy violation, for the test to assert empty.
// Without /usr/bin/chromium the browser tests skip and say why (CHROMIUM_MISSING); .ci/run
// installs it.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from './process.js';
import { startTestServer, type TestServer } from './server.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);
export const CHROMIUM_MISSING = `${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests`;
if (!hasChromium) console.warn(`browser tests skipped: ${CHROMIUM_MISSING}`);

/**
 * Quiet, headless, and nothing of its own on the network: no QUIC, no background, component or
 * sync traffic. playwright-core gives every launch a fresh temporary profile (user-data-dir).
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A phone's screen (CSS pixels): every screen must read and work at this width. */
export const PHONE_VIEWPORT = { width: 360, height: 740 } as const;

/**
 * A whole flow through the screens (each registration or login runs Argon2id in the page, a few
 * seconds each on a loaded two-core machine): the per-test timeout for such tests.
 */
export const BROWSER_FLOW_TIMEOUT_MS = 120_000;

/** Where screenshots go (git-ignored). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'tests', 'artifacts');

/** Chromium as above; `extraArgs` adds switches (e.g. fake-camera.ts's fake camera). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    headless: true,
  });
}

/** A role's browser context and what its guard saw. */
export interface RoleContext {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Requests (http or websocket) to anything but loopback: must stay empty. */
  readonly offsite: string[];
  /** Console errors and CSP violations the page reported: must stay empty unless expected. */
  readonly consoleErrors: string[];
  /** Expects no request left loopback and nothing was logged as an error. */
  expectClean(): void;
}

function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(hostname);
}

/**
 * A new context (its own storage: a separate person's browser) at phone width, in `locale`, with
 * the guards attached, and one page in it.
 */
export async function newRoleContext(
  browser: Browser,
  options: { locale?: string } = {},
): Promise<RoleContext> {
  const context = await browser.newContext({
    viewport: PHONE_VIEWPORT,
    locale: options.locale ?? 'ru-RU',
    serviceWorkers: 'allow',
  });
  const offsite: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.fallback();
    offsite.push(url);
    return route.abort('blockedbyclient');
  });
  const watch = (page: Page) => {
    page.on('websocket', (socket) => {
      if (!isLoopback(socket.url())) offsite.push(socket.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
  };
  context.on('page', watch);
  const page = await context.newPage();
  return {
    context,
    page,
    offsite,
    consoleErrors,
    expectClean() {
      expect(offsite, 'requests that left loopback').toEqual([]);
      expect(consoleErrors, 'console errors and CSP violations').toEqual([]);
    },
  };
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      screen,
      id: violation.id,
      help: violation.help,
      nodes: violation.nodes.map((node) => node.target.join(' ')),
    }));
  expect(serious, `accessibility of ${screen}`).toEqual([]);
}

/** A PNG of the page under tests/artifacts/screenshots/<name>.png (git-ignored). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS_DIR, 'screenshots');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A port free on loopback right now (the server then listens on it; retried if taken meanwhile). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The real server for a browser: a socket's Origin must be one the server allows, so the port is
 * chosen first and the server allows http://127.0.0.1:<port> (and `extraOrigins`, e.g. a proxy's).
 */
export async function startBrowserServer(
  options: { env?: Record<string, string>; extraOrigins?: readonly string[] } = {},
): Promise<TestServer> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const origins = [
      `http://127.0.0.1:${port}`,
      `http://localhost:${port}`,
      ...(options.extraOrigins ?? []),
    ];
    try {
      return await startTestServer(
        { KOLOKOL_ALLOWED_ORIGINS: origins.join(','), ...options.env },
        { port },
      );
    } catch (error) {
      if (attempt >= 5 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
}
