// Operator injection (issue 11): MongoDB filters are built from validated values only, and the
// edge is where that starts. Every socket event and every REST route is sent query operators
// ($ne, $nor, $gt, $where, $regex), prototype keys (__proto__, constructor) — as the whole
// payload and in place of each top-level field — through the real server (SQLite), and each is
// refused with a typed error while nothing in the store changes. The zod schemas at the edge do
// this; the Mongo adapter's sanitizeFilter (tests/store/mongo-filters.test.ts) is the second line.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  challengeBodySchema,
  clientEvents,
  loginBodySchema,
  puzzleBodySchema,
  registerBodySchema,
  type ClientEventName,
} from '@kolokol/shared';
import { MAX_STRIKES } from '../../server/src/realtime/limits.js';
import { expectUnchanged } from '../support/assertions.js';
import {
  closeAllSockets,
  connectWithToken,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Hostile values, each parsed from JSON so `__proto__` is an own key (as the server's JSON parser
 * makes it), exactly what a hand-written client could send.
 */
const HOSTILE_VALUES: readonly (readonly [string, unknown])[] = [
  ['$ne', JSON.parse('{"$ne":null}')],
  ['$nor', JSON.parse('{"$nor":[{}]}')],
  ['$gt', JSON.parse('{"$gt":""}')],
  ['$where', JSON.parse('{"$where":"1"}')],
  ['$regex', JSON.parse('{"$regex":".*"}')],
  ['$in', JSON.parse('{"$in":["a","b"]}')],
  ['__proto__', JSON.parse('{"__proto__":{"role":"admin","isAdmin":true}}')],
  ['constructor', JSON.parse('{"constructor":{"prototype":{"role":"admin"}}}')],
];

/** Hostile whole payloads: operator and prototype keys at the top level. */
const HOSTILE_PAYLOADS: readonly (readonly [string, unknown])[] = [
  ...HOSTILE_VALUES,
  ['$or at the top', JSON.parse('{"$or":[{"handle":{"$ne":null}}]}')],
  ['__proto__ beside nothing', JSON.parse('{"__proto__":null}')],
  ['an array of operators', JSON.parse('[{"$ne":null}]')],
];

/** The top-level field names of an object schema (none for other schemas). */
function fieldsOf(schema: z.ZodType): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Every (name, payload) one event is sent: the hostile payloads, then each field replaced. */
function hostileCases(schema: z.ZodType): (readonly [string, unknown])[] {
  const cases: (readonly [string, unknown])[] = [...HOSTILE_PAYLOADS];
  for (const field of fieldsOf(schema)) {
    for (const [name, value] of HOSTILE_VALUES)
      cases.push([`${field}: ${name}`, { [field]: value }]);
  }
  return cases;
}

/** The REST routes that take a JSON body, with the schema each parses it with. */
const ROUTES = [
  ['/auth/puzzle', puzzleBodySchema],
  ['/auth/register', registerBodySchema],
  ['/auth/challenge', challengeBodySchema],
  ['/auth/login', loginBodySchema],
] as const;

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer({
    KOLOKOL_MAX_SOCKETS_PER_ACCOUNT: '100',
    KOLOKOL_SOCKET_EVENTS_PER_SECOND: '10000',
    KOLOKOL_ACCOUNT_EVENTS_PER_SECOND: '10000',
    KOLOKOL_AUTH_ATTEMPTS_PER_CLIENT: '100000',
    KOLOKOL_AUTH_CALM_REQUESTS_PER_MINUTE: '100000',
  });
  ({ token } = await registerAndLogin(server.url, 'inject'));
});
afterEach(() => closeAllSockets());
afterAll(async () => {
  await server.close();
});

const events = Object.keys(clientEvents) as ClientEventName[];

/**
 * Field-level proof that does not lean on other fields being missing: each top-level field's own
 * schema refuses every hostile value (an operator object or a prototype key where a string, a
 * number, bytes or a list belong). Nested object fields are walked the same way.
 */
function fieldSchemas(schema: z.ZodType, path: string): (readonly [string, z.ZodType])[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, field]) => [
    [`${path}.${key}`, field] as const,
    ...fieldSchemas(field, `${path}.${key}`),
  ]);
}

describe('every field schema at the edge refuses operators and prototype keys', () => {
  const fields = [
    ...events.flatMap((event) => fieldSchemas(clientEvents[event].input, event)),
    ...ROUTES.flatMap(([route, schema]) => fieldSchemas(schema, `POST ${route}`)),
  ];

  it('finds fields to check', () => {
    expect(fields.length).toBeGreaterThan(50);
  });

  it.each(fields)('%s', (_path, field) => {
    for (const [name, value] of HOSTILE_VALUES) {
      expect({ name, accepted: field.safeParse(value).success }).toEqual({ name, accepted: false });
    }
  });
});

describe('every socket event refuses operators and prototype keys', () => {
  it('covers every event, and every event has hostile cases', () => {
    expect(events.length).toBeGreaterThan(30);
    for (const event of events)
      expect(hostileCases(clientEvents[event].input).length).toBeGreaterThan(0);
  });

  it.each(events)('%s', async (event) => {
    const cases = hostileCases(clientEvents[event].input);
    const answers = await expectUnchanged(server, async () => {
      const collected: { name: string; ack: unknown }[] = [];
      let socket: ClientSocket | undefined;
      for (const [index, [name, payload]] of cases.entries()) {
        // A fresh socket before the strike limit: every answer here must be a typed ack.
        if (index % (MAX_STRIKES - 1) === 0) {
          socket?.close();
          socket = await connectWithToken(server.url, token);
        }
        if (socket === undefined) throw new Error('no socket');
        collected.push({ name, ack: await rawCall(socket, event, payload) });
      }
      return collected;
    });
    // The same account's socket still answers a valid call: the refusals were about the payloads.
    const check = await connectWithToken(server.url, token);
    expect(await rawCall(check, 'session.whoami', {})).toMatchObject({ ok: true });
    for (const { name, ack } of answers) {
      expect({ name, ack }).toMatchObject({
        name,
        ack: { ok: false, error: { code: 'BAD_REQUEST' } },
      });
    }
  });
});

async function postJson(route: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const parsed: unknown = await response.json();
  return { status: response.status, body: parsed };
}

describe('every REST route refuses operators and prototype keys', () => {
  it.each(ROUTES)('POST %s', async (route, schema) => {
    const cases = hostileCases(schema);
    const answers = await expectUnchanged(server, async () => {
      const collected: { name: string; status: number; body: unknown }[] = [];
      for (const [name, payload] of cases)
        collected.push({ name, ...(await postJson(route, payload)) });
      return collected;
    });
    for (const answer of answers) {
      expect(answer).toMatchObject({
        name: answer.name,
        status: 400,
        body: { ok: false, error: { code: 'BAD_REQUEST' } },
      });
    }
  });

  it.each(['/auth/logout', '/auth/logout-all'])(
    'POST %s with a hostile bearer or body changes nothing',
    async (route) => {
      const answers = await expectUnchanged(server, async () => {
        const collected: { name: string; status: number; body: unknown }[] = [];
        for (const [name, payload] of HOSTILE_PAYLOADS) {
          // The token is text in a header: an operator can only arrive as its JSON spelling.
          collected.push({
            name,
            ...(await postJson(route, payload, {
              authorization: `Bearer ${JSON.stringify(payload)}`,
            })),
          });
        }
        return collected;
      });
      for (const answer of answers) {
        expect(answer).toMatchObject({
          name: answer.name,
          status: 401,
          body: { ok: false, error: { code: 'UNAUTHENTICATED' } },
        });
      }
    },
  );
});
