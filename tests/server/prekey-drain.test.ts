// The drain attack on a moderator's one-time prekeys (issue 6): many throwaway accounts, each
// within its per-pair and per-caller fetch budgets, together may not take more of one target's
// one-time prekeys than the per-target budget; an honest caller still reaches the target. Since
// issue 7 the target has devices, each with its own pool, and the budget holds for each device
// (docs/protocol.md, `prekeys.fetch`): a fetch hands out one bundle per device.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ONE_TIME_PREKEYS_LOW_WATER,
  conversationMessageSchema,
  prekeyBundlesWireSchema,
  toBase64Url,
  type ConversationMessageWire,
} from '@kolokol/shared';
import {
  acceptSession,
  fromUtf8,
  initiateSession,
  publicIdentity,
  utf8,
  verifyDeviceList,
  verifyPrekeyBundle,
} from '@kolokol/shared/crypto';
import type { Clock } from '../../server/src/domain/clock.js';
import { newId } from '../../server/src/domain/secrets.js';
import {
  call,
  closeAllSockets,
  login,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { addDevice, fetchBundles, publishPrekeys } from '../support/keys.js';
import { expectUnchanged } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

/** The attack as reported: 21 throwaway contacts, 5 fetches each, 100 one-time prekeys. */
const THROWAWAYS = 21;
const PER_PAIR = 5;
const PER_CALLER = 60;
const UPLOADED = 100;

// A stopped clock, moved only by the test: the per-target budget refills with time, and a slow
// run must not refill it by a unit halfway through.
const start = Date.now();
let offset = 0;
const clock: Clock = { now: () => start + offset };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(
    {
      KOLOKOL_PREKEY_FETCHES_PER_PAIR_PER_HOUR: String(PER_PAIR),
      KOLOKOL_PREKEY_FETCHES_PER_CALLER_PER_HOUR: String(PER_CALLER),
      // Empty means "not set": the shipped default is what this test exercises.
      KOLOKOL_ONE_TIME_PREKEYS_PER_TARGET_PER_HOUR: '',
    },
    { clock },
  );
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

async function throwawaySocket(): Promise<ClientSocket> {
  const contact = await addDevice(server.url, await registerAndLogin(server.url, 'throwaway'));
  return contact.socket;
}

it('21 throwaway contacts within their budgets cannot drain a moderator’s one-time prekeys; an honest contact still reaches it', async () => {
  // The documented default budget per target (KOLOKOL_ONE_TIME_PREKEYS_PER_TARGET_PER_HOUR).
  const perTarget = ONE_TIME_PREKEYS_LOW_WATER;
  const enrolled = await enrolStaff(server, 'moderator');
  const phone = await addDevice(server.url, enrolled);
  const laptop = await addDevice(server.url, {
    ...enrolled,
    token: await login(server.url, enrolled.account),
  });
  const mod = phone;
  const modSocket = phone.socket;
  const modPrekeys = await publishPrekeys(phone, UPLOADED);
  await publishPrekeys(laptop, UPLOADED);

  const handedOut = new Map<string, number>();
  for (let i = 0; i < THROWAWAYS; i += 1) {
    const socket = await throwawaySocket();
    for (let fetch = 0; fetch < PER_PAIR; fetch += 1) {
      // Every fetch is within the caller's budgets, so every one is answered, a bundle per device.
      const { bundles } = await fetchBundles(socket, mod.accountId);
      expect(bundles).toHaveLength(2);
      for (const bundle of bundles) {
        expect(verifyPrekeyBundle(bundle)).toBe(true);
        const id = bundle.device.deviceId;
        if (bundle.oneTimePrekey) handedOut.set(id, (handedOut.get(id) ?? 0) + 1);
      }
    }
  }
  expect(THROWAWAYS * PER_PAIR).toBeGreaterThan(UPLOADED);
  // At most the budget from each device's pool, and no more: the cheap accounts took 20 of 100.
  expect(handedOut).toEqual(
    new Map([
      [phone.deviceId, perTarget],
      [laptop.deviceId, perTarget],
    ]),
  );
  for (const device of [phone, laptop]) {
    expect(await call(device.socket, 'prekeys.status', {})).toMatchObject({
      ok: true,
      data: { oneTimeRemaining: UPLOADED - perTarget },
    });
  }

  // An honest contact still gets a bundle — without a one-time prekey, and consuming nothing —
  // and the PQXDH handshake on the signed prekeys alone reaches the moderator.
  const honest = await addDevice(server.url, await registerAndLogin(server.url, 'honest'));
  const honestSocket = honest.socket;
  const ack = await expectUnchanged(server, () =>
    call(honestSocket, 'prekeys.fetch', { accountId: mod.accountId, deviceId: phone.deviceId }),
  );
  if (!ack.ok) throw new Error(ack.error.code);
  const parsed = prekeyBundlesWireSchema.parse(ack.data);
  const [{ deviceId, deviceKey, signedPrekey, kemPrekey, oneTimePrekey }] = parsed.bundles as [
    (typeof parsed.bundles)[number],
  ];
  expect(oneTimePrekey).toBeUndefined();
  const bundle = {
    identity: parsed.identity,
    device: { deviceId, deviceKey },
    signedPrekey,
    kemPrekey,
  };
  expect(verifyPrekeyBundle(bundle)).toBe(true);
  const expected = publicIdentity(mod.account.identity);
  const devices = verifyDeviceList(parsed.deviceList, {
    accountId: mod.accountId,
    identity: expected,
  });
  const session = initiateSession(honest.account.identity, bundle, expected, devices);
  // A conversation's message names every device of the moderator: the laptop gets its own
  // envelope, from a session on its signed prekeys too (its budget is spent as well).
  const [laptopBundle] = (
    await fetchBundles(honestSocket, mod.accountId, {
      identity: expected,
      deviceId: laptop.deviceId,
    })
  ).bundles;
  expect(laptopBundle?.oneTimePrekey).toBeUndefined();
  const laptopSession = initiateSession(honest.account.identity, laptopBundle!, expected, devices);
  // The moderator starts the conversation (staff do, with everyone else); the contact finds it.
  const started = await call(modSocket, 'conversations.open', { peer: honest.accountId });
  expect(started).toMatchObject({ ok: true });
  const opened = await call(honestSocket, 'conversations.open', { peer: mod.accountId });
  if (!opened.ok) throw new Error(opened.error.code);
  const pushed = new Promise<ConversationMessageWire>((resolve) =>
    modSocket.once('conversations.message', resolve),
  );
  const plaintext = utf8('Мне нужна помощь');
  const sent = await call(honestSocket, 'conversations.send', {
    conversation: opened.data.conversation.id,
    clientId: newId(),
    envelopes: [
      { device: phone.deviceId, body: toBase64Url(session.encrypt(plaintext, Date.now())) },
      { device: laptop.deviceId, body: toBase64Url(laptopSession.encrypt(plaintext, Date.now())) },
    ],
  });
  expect(sent).toMatchObject({ ok: true });
  const message = conversationMessageSchema.parse(await pushed);
  const accepted = acceptSession(mod.account.identity, modPrekeys, message.body, Date.now());
  expect(fromUtf8(accepted.plaintext)).toBe('Мне нужна помощь');

  // The budget refills over the hour: a later caller gets a one-time prekey again.
  offset += 3600 * 1000;
  const later = await fetchBundles(await throwawaySocket(), mod.accountId);
  expect(later.bundles.every((bundle) => bundle.oneTimePrekey !== undefined)).toBe(true);
  expect(server.config.oneTimePrekeysPerTargetPerHour).toBe(perTarget);
});
