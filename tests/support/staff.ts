// Staff accounts for tests, enrolled through the same service the admin CLI calls.
import type { TestServer } from './server.js';
import { login, newTestAccount, register, type TestAccount } from './client.js';

export async function enrolStaff(server: TestServer, role: 'moderator' | 'admin', prefix = role) {
  const account: TestAccount = newTestAccount(prefix);
  const { code } = await server.server.services.accounts.enrol(account.handle, role);
  const registered = await register(server.url, account, { enrolmentCode: code });
  return { account, accountId: registered.accountId, token: await login(server.url, account) };
}
