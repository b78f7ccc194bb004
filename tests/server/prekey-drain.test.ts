// The drain attack on a moderator's one-time prekeys (issue 6): many throwaway accounts, each
// within its per-pair and per-caller fetch budgets, together may not take more of one target's
// one-time prekeys than the per-target budget; an honest caller still reaches the target.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  ONE_TIME_PREKEYS_LOW_WATER,
  directMessageSchema,
  prekeyBundleWireSchema,
  toBase64Url,
  type DirectMessageWire,
} from '@kolokol/shared';
import {
  acceptSession,
  fromUtf8,
  initiateSession,
  publicIdentity,
  utf8,
  verifyPrekeyBundle,
} from '@kolokol/shared/crypto';
import type { Clock } from '../../server/src/domain/clock.js';
import { newId } from '../../server/src/domain/secrets.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { fetchBundle, publishPrekeys } from '../support/keys.js';
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
  const contact = await registerAndLogin(server.url, 'throwaway');
  return connectWithToken(server.url, contact.token);
}

it('21 throwaway contacts within their budgets cannot drain a moderator’s one-time prekeys; an honest contact still reaches it', async () => {
  // The documented default budget per target (KOLOKOL_ONE_TIME_PREKEYS_PER_TARGET_PER_HOUR).
  const perTarget = ONE_TIME_PREKEYS_LOW_WATER;
  const mod = await enrolStaff(server, 'moderator');
  const modSocket = await connectWithToken(server.url, mod.token);
  const modPrekeys = await publishPrekeys(modSocket, mod.account, UPLOADED);

  let handedOut = 0;
  for (let i = 0; i < THROWAWAYS; i += 1) {
    const socket = await throwawaySocket();
    for (let fetch = 0; fetch < PER_PAIR; fetch += 1) {
      // Every fetch is within the caller's budgets, so every one is answered with a bundle.
      const bundle = await fetchBundle(socket, mod.accountId);
      expect(verifyPrekeyBundle(bundle)).toBe(true);
      if (bundle.oneTimePrekey) handedOut += 1;
    }
  }
  expect(THROWAWAYS * PER_PAIR).toBeGreaterThan(UPLOADED);
  expect(handedOut).toBe(perTarget);
  expect(await call(modSocket, 'prekeys.status', {})).toMatchObject({
    ok: true,
    data: { oneTimeRemaining: UPLOADED - perTarget },
  });

  // An honest contact still gets a bundle — without a one-time prekey, and consuming nothing —
  // and the PQXDH handshake on the signed prekeys alone reaches the moderator.
  const honest = await registerAndLogin(server.url, 'honest');
  const honestSocket = await connectWithToken(server.url, honest.token);
  const ack = await expectUnchanged(server, () =>
    call(honestSocket, 'prekeys.fetch', { accountId: mod.accountId }),
  );
  if (!ack.ok) throw new Error(ack.error.code);
  const { identity, signedPrekey, kemPrekey, oneTimePrekey } = prekeyBundleWireSchema.parse(
    ack.data,
  );
  expect(oneTimePrekey).toBeUndefined();
  const bundle = { identity, signedPrekey, kemPrekey };
  expect(verifyPrekeyBundle(bundle)).toBe(true);
  const session = initiateSession(
    honest.account.identity,
    bundle,
    publicIdentity(mod.account.identity),
  );
  const pushed = new Promise<DirectMessageWire>((resolve) =>
    modSocket.once('direct.message', resolve),
  );
  const sent = await call(honestSocket, 'direct.send', {
    to: mod.accountId,
    clientId: newId(),
    body: toBase64Url(session.encrypt(utf8('Мне нужна помощь'), Date.now())),
  });
  expect(sent).toMatchObject({ ok: true });
  const message = directMessageSchema.parse(await pushed);
  const accepted = acceptSession(mod.account.identity, modPrekeys, message.body, Date.now());
  expect(fromUtf8(accepted.plaintext)).toBe('Мне нужна помощь');

  // The budget refills over the hour: a later caller gets a one-time prekey again.
  offset += 3600 * 1000;
  const later = await fetchBundle(await throwawaySocket(), mod.accountId);
  expect(later.oneTimePrekey).toBeDefined();
  expect(server.config.oneTimePrekeysPerTargetPerHour).toBe(perTarget);
});
