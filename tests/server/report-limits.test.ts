// The limits on abuse reports, through the real server, as an attacker with many cheap accounts
// behind one address (every client here is 127.0.0.1) would meet them: each account's hourly
// budget and open cap, and the cap on what new accounts together can pile on one subject — past
// which a report is answered exactly like a stored one and stores nothing. Account age and the
// hourly budget run on the server's injected clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportWireSchema } from '@kolokol/shared';
import type { Clock } from '../../server/src/domain/clock.js';
import {
  MAX_OPEN_NEW_ACCOUNT_REPORTS_PER_SUBJECT,
  MAX_OPEN_REPORTS_PER_REPORTER,
  REPORTS_PER_REPORTER_PER_HOUR,
} from '../../server/src/domain/report-limits.js';
import { expectRefusedUnchanged, expectUnchanged } from '../support/assertions.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

const HOUR = 3600 * 1000;
let offset = 0;
const clock: Clock = { now: () => Date.now() + offset };

let server: TestServer;
/** Accounts to report: more than one reporter's open cap. */
let subjects: string[] = [];

beforeAll(async () => {
  // New for an hour, so a test can make everyone registered so far established by moving the
  // clock two hours on (sessions last a day: no socket ends).
  server = await startTestServer({ KOLOKOL_NEW_ACCOUNT_HOURS: '1' }, { clock });
  subjects = await Promise.all(
    Array.from(
      { length: MAX_OPEN_REPORTS_PER_REPORTER + 2 },
      async () => (await registerAndLogin(server.url, 'subject')).accountId,
    ),
  );
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

async function reporter(prefix: string): Promise<ClientSocket> {
  return connectWithToken(server.url, (await registerAndLogin(server.url, prefix)).token);
}

const report = (socket: ClientSocket, subject: string) =>
  call(socket, 'reports.create', { subject, reason: 'spam' });

async function stored(socket: ClientSocket, subject: string): Promise<string> {
  const answer = await expectChanged(() => report(socket, subject));
  if (!answer.ok) throw new Error(answer.error.code);
  return answer.data.id;
}

/** Runs `work` and asserts the reports table gained a row. */
async function expectChanged<T>(work: () => Promise<T>): Promise<T> {
  const before = server.snapshot().reports?.length ?? 0;
  const result = await work();
  expect(server.snapshot().reports?.length).toBe(before + 1);
  return result;
}

describe('one account’s budget', () => {
  it(`makes at most ${REPORTS_PER_REPORTER_PER_HOUR} reports an hour; a repeat stays free`, async () => {
    const socket = await reporter('hasty');
    const ids: string[] = [];
    for (const subject of subjects.slice(0, REPORTS_PER_REPORTER_PER_HOUR)) {
      ids.push(await stored(socket, subject));
    }
    await expectRefusedUnchanged(
      server,
      () => report(socket, subjects[REPORTS_PER_REPORTER_PER_HOUR]!),
      'RATE_LIMITED',
    );
    // Out of budget, a repeat is still answered with its report.
    expect(await expectUnchanged(server, () => report(socket, subjects[0]!))).toEqual({
      ok: true,
      data: { received: true, id: ids[0] },
    });
  });

  it(`has at most ${MAX_OPEN_REPORTS_PER_REPORTER} open reports, however slowly it makes them`, async () => {
    const socket = await reporter('patient');
    for (const [index, subject] of subjects.slice(0, MAX_OPEN_REPORTS_PER_REPORTER).entries()) {
      if (index > 0 && index % REPORTS_PER_REPORTER_PER_HOUR === 0) offset += HOUR;
      await stored(socket, subject);
    }
    offset += HOUR; // a full budget: only the open cap can refuse now
    await expectRefusedUnchanged(
      server,
      () => report(socket, subjects[MAX_OPEN_REPORTS_PER_REPORTER]!),
      'FORBIDDEN',
    );
  });
});

describe('many new accounts against one subject', () => {
  it(`store ${MAX_OPEN_NEW_ACCOUNT_REPORTS_PER_SUBJECT} open reports; the rest are answered alike and stored nowhere; established accounts and staff still report`, async () => {
    const established = await reporter('old-hand');
    const target = (await registerAndLogin(server.url, 'target')).accountId;
    offset += 2 * HOUR; // everyone so far is established; accounts made from here on are new
    const crowd = await Promise.all(
      Array.from({ length: MAX_OPEN_NEW_ACCOUNT_REPORTS_PER_SUBJECT + 3 }, () => reporter('sybil')),
    );

    const kept = crowd.slice(0, MAX_OPEN_NEW_ACCOUNT_REPORTS_PER_SUBJECT);
    const keptIds: string[] = [];
    for (const socket of kept) keptIds.push(await stored(socket, target));
    for (const socket of crowd.slice(MAX_OPEN_NEW_ACCOUNT_REPORTS_PER_SUBJECT)) {
      const answer = await expectUnchanged(server, () => report(socket, target));
      expect(answer).toMatchObject({ ok: true, data: { received: true } });
      if (!answer.ok) return;
      expect(Object.keys(answer.data).sort()).toEqual(['id', 'received']);
      expect(keptIds).not.toContain(answer.data.id);
      // A repeat answers the same id, as it would for a stored report.
      expect(await expectUnchanged(server, () => report(socket, target))).toEqual(answer);
    }

    // An established account and a moderator are not capped; moderators see who was new.
    await stored(established, target);
    const moderator = await enrolStaff(server, 'moderator');
    const staffSocket = await connectWithToken(server.url, moderator.token);
    await stored(staffSocket, target);
    const listed = await call(staffSocket, 'reports.list', {});
    if (!listed.ok) throw new Error(listed.error.code);
    const aboutTarget = listed.data.reports
      .map((row) => reportWireSchema.parse(row))
      .filter((row) => row.subjectId === target);
    expect(aboutTarget.map((row) => row.fromNewAccount).sort()).toEqual([
      false,
      false,
      ...Array<boolean>(MAX_OPEN_NEW_ACCOUNT_REPORTS_PER_SUBJECT).fill(true),
    ]);
  });
});
