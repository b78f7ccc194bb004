// Self-registration cannot take a handle that would pass for the organisation or its staff: the
// reserved words and stems, their look-alikes, and look-alikes of staff handles (accounts and
// pending enrolments). Each is refused as a taken handle is (CONFLICT "handle is not available")
// and changes nothing; the operator's enrolment may still use them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTestAccount, post, register, registrationBody } from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  // A moderator with an account, and one enrolled who has not registered yet.
  const { code } = await server.server.services.accounts.enrol('vera.k', 'moderator');
  await register(server.url, { ...newTestAccount(), handle: 'vera.k' }, { enrolmentCode: code });
  await server.server.services.accounts.enrol('nina.p', 'moderator');
});
afterAll(async () => {
  await server.close();
});

async function expectNotAvailable(handle: string) {
  const before = server.snapshot();
  const response = await post(
    server.url,
    '/auth/register',
    registrationBody({ ...newTestAccount(), handle }, { role: 'volunteer' }),
  );
  expect(response.status).toBe(409);
  expect(response.body).toEqual({
    ok: false,
    error: { code: 'CONFLICT', message: 'handle is not available' },
  });
  expect(server.snapshot()).toEqual(before);
}

describe('self-registration refuses', () => {
  it.each([
    'admin',
    'adm1n',
    'sys.admin',
    'moderator',
    'm0derat0r',
    'support',
    'kolokol',
    'kolokol.team',
    'k0l0k0l',
    'staff',
    'r00t',
  ])('the reserved handle %s', async (handle) => {
    await expectNotAvailable(handle);
  });

  it.each(['vera_k', 'vera-k', 'verak', 'vera.k', 'nina.p', 'n1na.p', 'nlna_p'])(
    'the staff look-alike %s',
    async (handle) => {
      await expectNotAvailable(handle);
    },
  );
});

describe('still allows', () => {
  it('ordinary handles, even close to staff ones', async () => {
    for (const handle of ['vera.kz', 'nina.pe', 'modest.man']) {
      const account = { ...newTestAccount(), handle };
      expect((await register(server.url, account)).role).toBe('contact');
    }
  });

  it('the operator to enrol a reserved handle', async () => {
    const { code } = await server.server.services.accounts.enrol('support', 'admin');
    const registered = await register(
      server.url,
      { ...newTestAccount(), handle: 'support' },
      { enrolmentCode: code },
    );
    expect(registered.role).toBe('admin');
  });
});
