// docs/protocol.md is part of the feature: every socket event, server push, REST route and
// error code the code defines must be documented there.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, SERVER_EVENT_NAMES, clientEvents } from '@kolokol/shared';
import { REPO_ROOT } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Every REST route the server serves; the last block proves each one exists. */
const REST_ROUTES = [
  'GET /healthz',
  'GET /readyz',
  'POST /auth/register',
  'POST /auth/puzzle',
  'POST /auth/challenge',
  'POST /auth/login',
  'POST /auth/logout',
  'POST /auth/logout-all',
] as const;

const docs = await readFile(`${REPO_ROOT}/docs/protocol.md`, 'utf8');

describe('docs/protocol.md', () => {
  it.each(Object.keys(clientEvents))('documents the socket event %s', (event) => {
    expect(docs).toContain(`### \`${event}\``);
  });
  it.each(SERVER_EVENT_NAMES)('documents the server push %s', (event) => {
    expect(docs).toContain(`### \`${event}\``);
  });
  it.each(REST_ROUTES)('documents the route %s', (route) => {
    expect(docs).toContain(`### \`${route}\``);
  });
  it.each(ERROR_CODES)('documents the error code %s', (code) => {
    expect(docs).toMatch(new RegExp(`\\| \`${code}\` +\\|`));
  });
  it('documents each event with its maximum payload size', () => {
    for (const [event, definition] of Object.entries(clientEvents)) {
      const section = docs.split(`### \`${event}\``)[1]?.split('\n### ')[0] ?? '';
      expect(section).toContain(`${definition.maxBytes} bytes`);
    }
  });
});

describe('docs/protocol.md on what a seized server holds', () => {
  it('names every table of the store', async () => {
    const server = await startTestServer();
    try {
      const tables = Object.keys(server.snapshot()).filter((name) => name !== 'schema_migrations');
      expect(tables.length).toBeGreaterThan(5);
      const section = docs.split('## What a seized server holds')[1]?.split('\n## ')[0] ?? '';
      for (const table of tables) expect(section, table).toContain(`\`${table}\``);
    } finally {
      await server.close();
    }
  });
});

describe('the documented routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each(REST_ROUTES)('%s exists on the server', async (route) => {
    const [method, path] = route.split(' ') as [string, string];
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: method === 'POST' ? { 'content-type': 'application/json' } : {},
      body: method === 'POST' ? '{}' : undefined,
    });
    expect(response.status).not.toBe(404);
  });
});
