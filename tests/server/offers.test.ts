// Volunteers' offers through the real server: a volunteer puts the whole offer (with a note sealed
// to the moderators, which the server keeps opaque), reads it back, replaces and pauses it;
// moderators and admins read a volunteer's offer; contacts never see one. Every bad input gets its
// code and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_OFFER_NOTE_BYTES, fromBase64Url, toBase64Url, type EventInput } from '@kolokol/shared';
import {
  FORMAT_HEADER_BYTES,
  offerNoteContext,
  openEnvelope,
  randomBytes,
  sealedEnvelopeLength,
} from '@kolokol/shared/crypto';
import { expectRefusedUnchanged } from '../support/assertions.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  rawCall,
  registerAndLogin,
} from '../support/client.js';
import { localModerator, offerInput } from '../support/requests.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

async function member(role: 'contact' | 'volunteer' | 'moderator' | 'admin') {
  const registered =
    role === 'contact' || role === 'volunteer'
      ? await registerAndLogin(server.url, role, { role })
      : await enrolStaff(server, role);
  return { ...registered, socket: await connectWithToken(server.url, registered.token) };
}

async function put(
  socket: Awaited<ReturnType<typeof member>>['socket'],
  offer: EventInput<'offers.put'>,
) {
  const ack = await call(socket, 'offers.put', offer);
  if (!ack.ok) throw new Error(`offers.put: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

describe('offers.put, offers.get, offers.set_paused', () => {
  it('stores the whole offer, its sealed note opaque, and gives it back as put', async () => {
    const vera = await member('volunteer');
    expect(await call(vera.socket, 'offers.get', {})).toEqual({ ok: true, data: { offer: null } });
    const anna = localModerator();
    const offer = offerInput(
      {},
      { accountId: vera.accountId, sender: vera.account.identity, recipients: [anna.recipient] },
    );
    const { updatedAt } = await put(vera.socket, offer);
    const got = await call(vera.socket, 'offers.get', {});
    expect(got).toEqual({
      ok: true,
      data: { offer: { ...offer, accountId: vera.accountId, updatedAt } },
    });
    // Kept byte for byte; it opens for the moderator under this volunteer's context only.
    const stored = await server.store.offers.findOffer(vera.accountId);
    expect(stored?.note).toEqual(fromBase64Url(offer.note!));
    const opened = openEnvelope(stored!.note!, anna.store.openingKeys(), {
      context: offerNoteContext(vera.accountId),
      expectedSenderSigningKey: vera.account.identity.signing.publicKey,
    });
    expect(new TextDecoder().decode(opened.plaintext)).toBe('адвокат, 10 лет практики');
    expect(() =>
      openEnvelope(stored!.note!, anna.store.openingKeys(), {
        context: offerNoteContext('someoneElse00000000000'),
      }),
    ).toThrow();
  });

  it('replaces the offer whole: a put without a note leaves none', async () => {
    const vera = await member('volunteer');
    await put(
      vera.socket,
      offerInput({}, { accountId: vera.accountId, sender: vera.account.identity }),
    );
    const next = offerInput({ skills: [{ code: 'care.psychological', level: 2 }], capacity: 5 });
    const { updatedAt } = await put(vera.socket, next);
    expect(await call(vera.socket, 'offers.get', {})).toEqual({
      ok: true,
      data: { offer: { ...next, note: null, accountId: vera.accountId, updatedAt } },
    });
  });

  it('pauses and resumes without sending the offer again; with no offer yet that is NOT_FOUND', async () => {
    const vera = await member('volunteer');
    await expectRefusedUnchanged(
      server,
      () => call(vera.socket, 'offers.set_paused', { paused: true }),
      'NOT_FOUND',
    );
    const offer = offerInput();
    await put(vera.socket, offer);
    const paused = await call(vera.socket, 'offers.set_paused', { paused: true });
    expect(paused).toMatchObject({ ok: true, data: { paused: true } });
    const got = await call(vera.socket, 'offers.get', {});
    expect(got.ok && got.data.offer).toMatchObject({ ...offer, paused: true });
    expect(await call(vera.socket, 'offers.set_paused', { paused: false })).toMatchObject({
      ok: true,
      data: { paused: false },
    });
  });

  it('moderators and admins read a volunteer’s offer by account id; none is null', async () => {
    const vera = await member('volunteer');
    const offer = offerInput();
    const { updatedAt } = await put(vera.socket, offer);
    for (const role of ['moderator', 'admin'] as const) {
      const staff = await member(role);
      expect(await call(staff.socket, 'offers.get', { accountId: vera.accountId })).toEqual({
        ok: true,
        data: { offer: { ...offer, note: null, accountId: vera.accountId, updatedAt } },
      });
      const nobody = await member('volunteer');
      expect(await call(staff.socket, 'offers.get', { accountId: nobody.accountId })).toEqual({
        ok: true,
        data: { offer: null },
      });
    }
  });

  it('never shows an offer to a contact or to another volunteer, and lets neither change one', async () => {
    const vera = await member('volunteer');
    await put(vera.socket, offerInput());
    const carl = await member('contact');
    const other = await member('volunteer');
    for (const [event, payload] of [
      ['offers.get', { accountId: vera.accountId }],
      ['offers.get', {}],
      ['offers.put', offerInput()],
      ['offers.set_paused', { paused: true }],
    ] as const) {
      await expectRefusedUnchanged(server, () => rawCall(carl.socket, event, payload), 'FORBIDDEN');
    }
    await expectRefusedUnchanged(
      server,
      () => call(other.socket, 'offers.get', { accountId: vera.accountId }),
      'FORBIDDEN',
    );
  });
});

describe('bad input', () => {
  const withHeader = (length: number) => {
    const bytes = randomBytes(length);
    const real = offerInput(
      {},
      { accountId: 'AAAAAAAAAAAAAAAAAAAAAA', sender: localModerator().identity },
    );
    bytes.set(fromBase64Url(real.note!)!.subarray(0, FORMAT_HEADER_BYTES));
    return toBase64Url(bytes);
  };

  it.each([
    [
      'a note of an envelope’s length without its header',
      { note: toBase64Url(randomBytes(sealedEnvelopeLength(10))) },
    ],
    [
      'a note with the header but no envelope’s length',
      { note: withHeader(sealedEnvelopeLength(10) - 1) },
    ],
    ['no skill', { skills: [] }],
    ['a skill at level 0', { skills: [{ code: 'safety.digital', level: 0 }] }],
    ['an unknown region', { regions: ['ru.moscow'] }],
    ['availability of no hour', { availability: toBase64Url(new Uint8Array(21)) }],
    ['capacity 0', { capacity: 0 }],
    ['an offset of UTC+15', { utcOffsetMinutes: 900 }],
    ['a vetting tier chosen by the volunteer', { vetting: 'high' }],
  ])('refuses %s with BAD_REQUEST, changing nothing', async (_name, change) => {
    const vera = await member('volunteer');
    await expectRefusedUnchanged(
      server,
      () => rawCall(vera.socket, 'offers.put', { ...offerInput(), ...change }),
      'BAD_REQUEST',
    );
  });

  it('refuses a note over the cap with PAYLOAD_TOO_LARGE, and bad reads with BAD_REQUEST', async () => {
    const vera = await member('volunteer');
    expect(sealedEnvelopeLength(16_000)).toBeGreaterThan(MAX_OFFER_NOTE_BYTES);
    await expectRefusedUnchanged(
      server,
      () =>
        rawCall(vera.socket, 'offers.put', {
          ...offerInput(),
          note: withHeader(sealedEnvelopeLength(16_000)),
        }),
      'PAYLOAD_TOO_LARGE',
    );
    for (const [event, payload] of [
      ['offers.get', { accountId: 'short' }],
      ['offers.set_paused', {}],
      ['offers.set_paused', { paused: 'yes' }],
    ] as const) {
      await expectRefusedUnchanged(
        server,
        () => rawCall(vera.socket, event, payload),
        'BAD_REQUEST',
      );
    }
  });
});
