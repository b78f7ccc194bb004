// Requests through the real server: a contact creates one with details sealed to the moderators
// (the server keeps them byte for byte and cannot read them), lists and cancels it; a retry is
// idempotent; the open-request cap and the creation budget hold; every bad input gets its code
// and changes nothing; the contact's sockets hear of every change of state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_REQUEST_DETAILS_BYTES,
  fromBase64Url,
  toBase64Url,
  type EventInput,
} from '@kolokol/shared';
import {
  FORMAT_HEADER_BYTES,
  openEnvelope,
  randomBytes,
  requestDetailsContext,
  sealedEnvelopeLength,
} from '@kolokol/shared/crypto';
import { expectRefusedUnchanged, expectUnchanged } from '../support/assertions.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { localModerator, pushes, requestInput, wireRequest } from '../support/requests.js';
import { startTestServer, type TestServer } from '../support/server.js';

const MAX_OPEN = 3;
/** A deployment's own figure, not the default, so the test shows the setting is what counts. */
const CREATES_PER_HOUR = 6;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    KOLOKOL_MAX_OPEN_REQUESTS: String(MAX_OPEN),
    KOLOKOL_REQUEST_CREATES_PER_HOUR: String(CREATES_PER_HOUR),
  });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

async function contact() {
  const registered = await registerAndLogin(server.url, 'contact');
  const socket = await connectWithToken(server.url, registered.token);
  return { ...registered, socket };
}

async function create(socket: ClientSocket, payload: EventInput<'requests.create'>) {
  const ack = await call(socket, 'requests.create', payload);
  if (!ack.ok) throw new Error(`requests.create: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

describe('requests.create, requests.list', () => {
  it('stores the sealed details byte for byte, which only the moderators open, under the request’s fields', async () => {
    const anna = localModerator();
    const alice = await contact();
    const input = requestInput({
      fields: { skills: ['legal.military-law', 'safety.digital'], languages: ['ru', 'uk'] },
      recipients: [anna.recipient],
    });
    const { request, duplicate } = await create(alice.socket, wireRequest(input));
    expect(duplicate).toBe(false);
    expect(request).toMatchObject({
      clientId: input.clientId,
      skills: ['legal.military-law', 'safety.digital'],
      urgency: 'high',
      languages: ['ru', 'uk'],
      region: 'ru.volga',
      state: 'open',
    });
    expect(request.updatedAt).toBe(request.createdAt);

    const listed = await call(alice.socket, 'requests.list', {});
    expect(listed).toEqual({ ok: true, data: { requests: [request] } });

    // A moderator's client rebuilds the context from the fields the server shows and opens it.
    const stored = await server.store.requests.findRequestDetails(request.id);
    expect(stored).toEqual(fromBase64Url(input.details));
    const opened = openEnvelope(stored!, anna.store.openingKeys(), {
      context: requestDetailsContext(request),
    });
    expect(opened.plaintext).toEqual(input.plaintext);
  });

  it('answers a retried create (same clientId) with the stored request, storing nothing', async () => {
    const alice = await contact();
    const input = wireRequest(requestInput());
    const first = await create(alice.socket, input);
    const again = await expectUnchanged(server, () => call(alice.socket, 'requests.create', input));
    expect(again).toEqual({ ok: true, data: { request: first.request, duplicate: true } });
    // The same clientId for something else is refused.
    const other = wireRequest(
      requestInput({ fields: { clientId: input.clientId, urgency: 'low' } }),
    );
    await expectRefusedUnchanged(
      server,
      () => call(alice.socket, 'requests.create', other),
      'CONFLICT',
    );
  });

  it('lists only the caller’s own requests, newest first', async () => {
    const alice = await contact();
    const bob = await contact();
    const a1 = await create(alice.socket, wireRequest(requestInput()));
    await create(bob.socket, wireRequest(requestInput()));
    const a2 = await create(alice.socket, wireRequest(requestInput()));
    const listed = await call(alice.socket, 'requests.list', {});
    if (!listed.ok) throw new Error(listed.error.code);
    const ids = listed.data.requests.map((r) => r.id);
    expect(new Set(ids)).toEqual(new Set([a1.request.id, a2.request.id]));
    expect(listed.data.requests.map((r) => r.createdAt)).toEqual(
      [...listed.data.requests.map((r) => r.createdAt)].sort((x, y) => y - x),
    );
  });
});

describe('the open-request cap and the creation budget', () => {
  it(`refuses a contact’s ${MAX_OPEN + 1}th live request (FORBIDDEN, nothing stored) until one ends; others are not affected`, async () => {
    const alice = await contact();
    const made = [];
    for (let i = 0; i < MAX_OPEN; i += 1)
      made.push(await create(alice.socket, wireRequest(requestInput())));
    await expectRefusedUnchanged(
      server,
      () => call(alice.socket, 'requests.create', wireRequest(requestInput())),
      'FORBIDDEN',
    );
    // A retry of a stored create is still answered, cap or not.
    const bob = await contact();
    await create(bob.socket, wireRequest(requestInput()));
    expect(await call(alice.socket, 'requests.cancel', { id: made[0]!.request.id })).toMatchObject({
      ok: true,
    });
    await create(alice.socket, wireRequest(requestInput()));
  });

  it(`allows ${CREATES_PER_HOUR} new requests per contact per hour, then RATE_LIMITED; retries stay free`, async () => {
    const alice = await contact();
    let first: EventInput<'requests.create'> | undefined;
    for (let i = 0; i < CREATES_PER_HOUR; i += 1) {
      const input = wireRequest(requestInput());
      first ??= input;
      const made = await create(alice.socket, input);
      // Cancel at once, so the cap on live requests is not what stops the loop.
      expect(await call(alice.socket, 'requests.cancel', { id: made.request.id })).toMatchObject({
        ok: true,
      });
    }
    await expectRefusedUnchanged(
      server,
      () => call(alice.socket, 'requests.create', wireRequest(requestInput())),
      'RATE_LIMITED',
    );
    const retried = await expectUnchanged(server, () =>
      call(alice.socket, 'requests.create', first!),
    );
    expect(retried).toMatchObject({ ok: true, data: { duplicate: true } });
  });
});

describe('requests.cancel', () => {
  it('cancels the caller’s request at once, drops its details, and tells all the contact’s sockets', async () => {
    const alice = await contact();
    const otherSocket = await connectWithToken(server.url, alice.token);
    const heard = pushes(otherSocket);
    const { request } = await create(alice.socket, wireRequest(requestInput()));
    const cancelled = await call(alice.socket, 'requests.cancel', { id: request.id });
    if (!cancelled.ok) throw new Error(cancelled.error.code);
    expect(cancelled.data.request).toMatchObject({ id: request.id, state: 'cancelled' });
    expect(cancelled.data.request.updatedAt).toBeGreaterThanOrEqual(request.createdAt);
    expect(await heard.next((e) => e.id === request.id)).toEqual({
      id: request.id,
      state: 'cancelled',
      updatedAt: cancelled.data.request.updatedAt,
    });
    expect(await server.store.requests.findRequestDetails(request.id)).toBeUndefined();
    const row = server.snapshot().requests!.map(
      (text) =>
        JSON.parse(text as string) as {
          id: string;
          details: unknown;
        },
    );
    expect(row.find((r) => r.id === request.id)?.details).toBeNull();
  });

  it('refuses, changing nothing: a cancelled request again (CONFLICT), someone else’s or an unknown one (NOT_FOUND)', async () => {
    const alice = await contact();
    const mallory = await contact();
    const { request } = await create(alice.socket, wireRequest(requestInput()));
    await expectRefusedUnchanged(
      server,
      () => call(mallory.socket, 'requests.cancel', { id: request.id }),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => call(alice.socket, 'requests.cancel', { id: toBase64Url(randomBytes(16)) }),
      'NOT_FOUND',
    );
    expect(await call(alice.socket, 'requests.cancel', { id: request.id })).toMatchObject({
      ok: true,
    });
    await expectRefusedUnchanged(
      server,
      () => call(alice.socket, 'requests.cancel', { id: request.id }),
      'CONFLICT',
    );
  });

  it('lets exactly one of two simultaneous cancellations through', async () => {
    const alice = await contact();
    const second = await connectWithToken(server.url, alice.token);
    const { request } = await create(alice.socket, wireRequest(requestInput()));
    const answers = await Promise.all([
      call(alice.socket, 'requests.cancel', { id: request.id }),
      call(second, 'requests.cancel', { id: request.id }),
    ]);
    const codes = answers.map((a) => (a.ok ? 'OK' : a.error.code)).sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
  });
});

describe('bad input', () => {
  const sealedLength = sealedEnvelopeLength(100);
  const junk = (bytes: Uint8Array) => ({
    ...wireRequest(requestInput()),
    details: toBase64Url(bytes),
  });
  const withHeader = (length: number) => {
    const bytes = randomBytes(length);
    bytes.set(Buffer.from(requestInput().details, 'base64url').subarray(0, FORMAT_HEADER_BYTES));
    return bytes;
  };

  it.each([
    [
      'details of a sealed envelope’s length without its header',
      () => junk(randomBytes(sealedLength)),
    ],
    ['details with the header but no envelope’s length', () => junk(withHeader(sealedLength + 1))],
    [
      'four skills',
      () => ({
        ...wireRequest(requestInput()),
        skills: ['legal.military-law', 'safety.digital', 'care.medical', 'words.translation'],
      }),
    ],
    ['an unknown skill', () => ({ ...wireRequest(requestInput()), skills: ['legal.everything'] })],
    ['a city for a region', () => ({ ...wireRequest(requestInput()), region: 'ru.kazan' })],
    ['no language', () => ({ ...wireRequest(requestInput()), languages: [] })],
    ['an unknown urgency', () => ({ ...wireRequest(requestInput()), urgency: 'asap' })],
    ['a state chosen by the client', () => ({ ...wireRequest(requestInput()), state: 'approved' })],
    ['no payload object', () => 'request'],
  ])('refuses %s with BAD_REQUEST, changing nothing', async (_name, payload) => {
    const alice = await contact();
    await expectRefusedUnchanged(
      server,
      () => rawCall(alice.socket, 'requests.create', payload()),
      'BAD_REQUEST',
    );
  });

  it('refuses details larger than the cap with PAYLOAD_TOO_LARGE, changing nothing', async () => {
    const alice = await contact();
    expect(sealedEnvelopeLength(20_000)).toBeGreaterThan(MAX_REQUEST_DETAILS_BYTES);
    await expectRefusedUnchanged(
      server,
      () =>
        rawCall(alice.socket, 'requests.create', {
          ...wireRequest(requestInput()),
          details: toBase64Url(randomBytes(MAX_REQUEST_DETAILS_BYTES + 2048)),
        }),
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('refuses malformed cancel and list payloads with BAD_REQUEST', async () => {
    const alice = await contact();
    for (const [event, payload] of [
      ['requests.cancel', {}],
      ['requests.cancel', { id: 'x' }],
      ['requests.cancel', { id: toBase64Url(randomBytes(16)), reason: 'changed my mind' }],
      ['requests.list', { all: true }],
    ] as const) {
      await expectRefusedUnchanged(
        server,
        () => rawCall(alice.socket, event, payload),
        'BAD_REQUEST',
      );
    }
  });
});
