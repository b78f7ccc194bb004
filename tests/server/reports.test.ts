// Abuse reports through the real server: a report from either side reaches the moderators (its
// note sealed to them and bound to the report), tells the reporter only "received", is pushed to
// staff sockets; moderators list the open ones a page at a time and close each by a signed
// decision — dismissed, or actioned by the suspension that names it, in one write with it. Every
// refusal changes nothing; the audit log verifies after it all.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_LISTED_REPORTS,
  fromBase64Url,
  reportWireSchema,
  toBase64Url,
  type ReportsCreateInput,
} from '@kolokol/shared';
import {
  CryptoError,
  decodeAuditStatementUnverified,
  encodeRootPublicKey,
  openEnvelope,
  randomBytes,
  reportNoteContext,
  utf8,
  type Identity,
} from '@kolokol/shared/crypto';
import { verifyAuditLog } from '../../server/src/domain/audit/verify-log.js';
import { expectRefusedUnchanged, expectUnchanged } from '../support/assertions.js';
import { auditLength, staff, testOrganisation, type Staff } from '../support/audit.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { reportInput, reportPushes } from '../support/reports.js';
import { localModerator, requestInput, wireRequest } from '../support/requests.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { createAccount } from '../store/contract/fixtures.js';

const org = testOrganisation();
const moderatorKeys = localModerator();
let server: TestServer;
let anna: Staff;
let bob: Staff;
let admin: Staff;

beforeAll(async () => {
  server = await startTestServer({
    KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(org.root.publicKey),
  });
  anna = await staff(server, org);
  bob = await staff(server, org);
  admin = await staff(server, org, 'admin');
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

interface Member {
  readonly accountId: string;
  readonly socket: ClientSocket;
  readonly identity: Identity;
}

async function member(prefix: string, role: 'contact' | 'volunteer' = 'contact'): Promise<Member> {
  const who = await registerAndLogin(server.url, prefix, { role });
  return {
    accountId: who.accountId,
    socket: await connectWithToken(server.url, who.token),
    identity: who.account.identity,
  };
}

/** `reporter` reports `subject`, the note sealed by the reporter to the test's moderator keys. */
function report(
  reporter: Member,
  subject: string,
  options: Parameters<typeof reportInput>[2] = {},
) {
  return call(
    reporter.socket,
    'reports.create',
    reportInput(reporter.accountId, subject, {
      sender: reporter.identity,
      recipients: [moderatorKeys.recipient],
      ...options,
    }),
  );
}

async function reported(reporter: Member, subject: string, options = {}): Promise<string> {
  const answer = await report(reporter, subject, options);
  if (!answer.ok) throw new Error(answer.error.code);
  return answer.data.id;
}

/** Every open report `by` may see, page after page (bounded: a runaway cursor fails the test). */
async function openList(by: Staff) {
  const rows = [];
  let after: { createdAt: number; id: string } | undefined;
  for (let page = 0; page < 100; page += 1) {
    const answer = await call(by.socket, 'reports.list', after === undefined ? {} : { after });
    if (!answer.ok) throw new Error(answer.error.code);
    expect(answer.data.reports.length).toBeLessThanOrEqual(MAX_LISTED_REPORTS);
    rows.push(...answer.data.reports.map((row) => reportWireSchema.parse(row)));
    if (answer.data.next === null) return rows;
    after = answer.data.next;
  }
  throw new Error('reports.list never ended');
}

function reportRow(id: string) {
  return (server.snapshot().reports ?? [])
    .map((row) => JSON.parse(row as string) as Record<string, unknown>)
    .find((row) => row.id === id);
}

function suspendedAt(accountId: string): unknown {
  return (server.snapshot().accounts ?? [])
    .map((row) => JSON.parse(row as string) as Record<string, unknown>)
    .find((row) => row.id === accountId)?.suspended_at;
}

const dismiss = (by: Staff, reportId: string, extra: { subject?: string } = {}) =>
  call(by.socket, 'reports.dismiss', {
    statement: by.statement({ kind: 'dismiss_report', report: reportId, ...extra }),
  });

const suspend = (by: Staff, subject: string, reportId?: string) =>
  call(by.socket, 'moderation.suspend', {
    statement: by.statement({
      kind: 'suspend',
      subject,
      reason: 'abuse',
      ...(reportId === undefined ? {} : { report: reportId }),
    }),
  });

describe('reports.create', () => {
  it('reaches the moderators with a note only they open, bound to the report; the reporter hears only “received”', async () => {
    const contact = await member('asker');
    const volunteer = await member('helper', 'volunteer');
    const annaPushes = reportPushes(anna.socket);
    const adminPushes = reportPushes(admin.socket);
    const reporterPushes = reportPushes(contact.socket);
    const subjectPushes = reportPushes(volunteer.socket);
    const request = await call(contact.socket, 'requests.create', wireRequest(requestInput()));
    if (!request.ok) throw new Error(request.error.code);

    const answer = await report(contact, volunteer.accountId, {
      reason: 'threat',
      request: request.data.request.id,
      text: 'Угрожал выдать меня полиции.',
    });
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    expect(Object.keys(answer.data).sort()).toEqual(['id', 'received']);
    const id = answer.data.id;

    for (const pushes of [annaPushes, adminPushes]) {
      expect(await pushes.next((event) => event.id === id)).toMatchObject({ state: 'open' });
    }
    const listed = (await openList(anna)).find((row) => row.id === id);
    expect(listed).toMatchObject({
      reporterId: contact.accountId,
      subjectId: volunteer.accountId,
      reason: 'threat',
      requestId: request.data.request.id,
      fromNewAccount: true,
      state: 'open',
    });
    // The moderator's client rebuilds the context from the row; the note opens, from the reporter.
    const fields = {
      reporter: listed!.reporterId,
      subject: listed!.subjectId,
      reason: listed!.reason,
      request: listed!.requestId!,
    };
    const opened = openEnvelope(listed!.note!, moderatorKeys.store.openingKeys(), {
      context: reportNoteContext(fields),
      expectedSenderSigningKey: contact.identity.signing.publicKey,
    });
    expect(opened.plaintext).toEqual(utf8('Угрожал выдать меня полиции.'));
    // Shown under a graver reason, or another subject, it does not open.
    for (const moved of [
      { ...fields, reason: 'suspected_infiltrator' as const },
      { ...fields, subject: contact.accountId },
    ]) {
      expect(() =>
        openEnvelope(listed!.note!, moderatorKeys.store.openingKeys(), {
          context: reportNoteContext(moved),
        }),
      ).toThrow(CryptoError);
    }
    // Neither side of the report hears of it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(reporterPushes.events).toEqual([]);
    expect(subjectPushes.events).toEqual([]);
  });

  it('answers a repeat about the same account with the open report, storing nothing', async () => {
    const reporter = await member('repeater');
    const subject = await member('subject');
    const id = await reported(reporter, subject.accountId);
    const again = await expectUnchanged(server, () =>
      report(reporter, subject.accountId, { reason: 'spam', text: null }),
    );
    expect(again).toEqual({ ok: true, data: { received: true, id } });
  });

  it('refuses bad input with a typed error, storing nothing', async () => {
    const reporter = await member('careless');
    const subject = await member('other');
    const strangers = [await member('stranger-a'), await member('stranger-b')];
    const theirs = await call(strangers[0]!.socket, 'requests.create', wireRequest(requestInput()));
    if (!theirs.ok) throw new Error(theirs.error.code);
    const valid = (): ReportsCreateInput => ({ subject: subject.accountId, reason: 'scam' });
    const cases: [string, unknown, string][] = [
      ['oneself', { ...valid(), subject: reporter.accountId }, 'BAD_REQUEST'],
      ['no such account', { ...valid(), subject: toBase64Url(randomBytes(16)) }, 'NOT_FOUND'],
      ['an unknown reason', { ...valid(), reason: 'ugly' }, 'BAD_REQUEST'],
      ['an extra field', { ...valid(), reporter: reporter.accountId }, 'BAD_REQUEST'],
      [
        'a note that is no sealed envelope',
        { ...valid(), note: toBase64Url(randomBytes(25_030)) },
        'BAD_REQUEST',
      ],
      [
        'a note of the wrong length',
        { ...valid(), note: toBase64Url(randomBytes(100)) },
        'BAD_REQUEST',
      ],
      ['an id that is not one', { ...valid(), subject: 'short' }, 'BAD_REQUEST'],
      ['no such request', { ...valid(), request: toBase64Url(randomBytes(16)) }, 'NOT_FOUND'],
      // Another pair's request: neither the reporter's nor the subject's.
      ['a request of neither', { ...valid(), request: theirs.data.request.id }, 'NOT_FOUND'],
    ];
    for (const [name, payload, code] of cases) {
      await expectRefusedUnchanged(
        server,
        () => rawCall(reporter.socket, 'reports.create', payload),
        code,
      ).catch((error: unknown) => {
        throw new Error(`${name}: ${String(error)}`);
      });
    }
    // A note sealed for another report (another subject) has the right shape: the server cannot
    // tell, and stores it; the moderator's client refuses to open it (above).
    const elsewhere = reportInput(reporter.accountId, strangers[1]!.accountId, {
      sender: reporter.identity,
    });
    expect(
      await call(reporter.socket, 'reports.create', { ...valid(), note: elsewhere.note! }),
    ).toMatchObject({ ok: true });
  });

  it('lets the subject’s requests be named, by either side', async () => {
    const contact = await member('owner');
    const volunteer = await member('matched', 'volunteer');
    const made = await call(contact.socket, 'requests.create', wireRequest(requestInput()));
    if (!made.ok) throw new Error(made.error.code);
    // The volunteer names the contact's request when reporting the contact.
    expect(
      await report(volunteer, contact.accountId, { request: made.data.request.id }),
    ).toMatchObject({ ok: true });
  });
});

describe('reports.list', () => {
  it('shows moderators reports about contacts and volunteers, admins about anyone else, nobody about themselves', async () => {
    const reporter = await member('witness');
    const aboutBob = await reported(reporter, bob.accountId, { reason: 'suspected_infiltrator' });
    const aboutAdmin = await reported(reporter, admin.accountId);
    const about = async (by: Staff) => (await openList(by)).map((row) => row.id);
    expect(await about(anna)).not.toContain(aboutBob);
    expect(await about(bob)).not.toContain(aboutBob);
    expect(await about(admin)).toContain(aboutBob);
    expect(await about(admin)).not.toContain(aboutAdmin);
    for (const by of [anna, bob]) expect(await about(by)).not.toContain(aboutAdmin);
  });

  it('pages through every open report, oldest first, each once', async () => {
    // Enough open reports for more than one page, written through the store port (accounts of
    // the contract's fixtures: the pages, not the reporting, are under test here).
    const reporters = await Promise.all(
      Array.from({ length: 8 }, () =>
        createAccount(server.store, { id: toBase64Url(randomBytes(16)) }),
      ),
    );
    const subjects = await Promise.all(
      Array.from({ length: 7 }, () =>
        createAccount(server.store, { id: toBase64Url(randomBytes(16)) }),
      ),
    );
    let at = 10_000;
    for (const reporter of reporters) {
      for (const subject of subjects) {
        const made = await server.store.reports.createReport(
          {
            id: toBase64Url(randomBytes(16)),
            reporterId: reporter.id,
            subjectId: subject.id,
            reason: 'spam',
            requestId: null,
            conversationId: null,
            note: null,
            fromNewAccount: false,
            createdAt: (at += 1) - (at % 3), // some share a time: the id breaks the tie
          },
          { maxOpenPerReporter: 100, maxOpenFromNewPerSubject: 100 },
        );
        expect(made.kind).toBe('created');
      }
    }
    const first = await call(anna.socket, 'reports.list', {});
    if (!first.ok) throw new Error(first.error.code);
    expect(first.data.reports).toHaveLength(MAX_LISTED_REPORTS);
    expect(first.data.next).not.toBeNull();
    const seen = (await openList(anna)).map(({ createdAt, id }) => ({ createdAt, id }));
    // What a moderator may see: the open reports about contacts and volunteers.
    const roles = new Map(
      (server.snapshot().accounts ?? [])
        .map((row) => JSON.parse(row as string) as { id: string; role: string })
        .map((row) => [row.id, row.role]),
    );
    const open = (server.snapshot().reports ?? [])
      .map((row) => JSON.parse(row as string) as { state: string; subject_id: string })
      .filter(
        (row) =>
          row.state === 'open' && ['contact', 'volunteer'].includes(roles.get(row.subject_id)!),
      );
    expect(seen.length).toBe(open.length);
    expect(seen.length).toBeGreaterThan(MAX_LISTED_REPORTS);
    const sorted = [...seen].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    expect(seen).toEqual(sorted);
    expect(new Set(seen.map((row) => row.id)).size).toBe(seen.length);
  });
});

describe('closing a report by a signed decision', () => {
  it('reports.dismiss closes it in one logged write and tells staff; a closed report stays closed', async () => {
    const reporter = await member('noisy');
    const subject = await member('innocent', 'volunteer');
    const id = await reported(reporter, subject.accountId);
    const pushes = reportPushes(admin.socket);
    const before = auditLength(server);

    const answer = await dismiss(anna, id, { subject: subject.accountId });
    expect(answer).toMatchObject({
      ok: true,
      data: { report: { id, state: 'dismissed' }, entry: { seq: before + 1 } },
    });
    expect(reportRow(id)).toMatchObject({ state: 'dismissed' });
    expect(await pushes.next((event) => event.id === id)).toMatchObject({ state: 'dismissed' });
    expect((await openList(anna)).map((row) => row.id)).not.toContain(id);

    // Again, by a fresh statement or the same one replayed: CONFLICT, nothing changes.
    await expectRefusedUnchanged(server, () => dismiss(bob, id), 'CONFLICT');
    const statement = anna.statement({ kind: 'dismiss_report', report: id });
    const other = await reported(reporter, (await member('third')).accountId);
    expect(
      await call(anna.socket, 'reports.dismiss', {
        statement: anna.statement({ kind: 'dismiss_report', report: other }),
      }),
    ).toMatchObject({ ok: true });
    await expectRefusedUnchanged(
      server,
      () => call(anna.socket, 'reports.dismiss', { statement }),
      'CONFLICT',
    );
    // The reporter may report the subject again: a new report, a new id.
    expect(await reported(reporter, subject.accountId)).not.toBe(id);
  });

  it('refuses what it may not dismiss, changing nothing', async () => {
    const reporter = await member('accuser');
    const subject = await member('accused');
    const id = await reported(reporter, subject.accountId);
    const aboutBob = await reported(reporter, bob.accountId);
    const aboutAnna = await reported(reporter, anna.accountId);
    const uncertified = await staff(server, org, 'moderator', { certified: false });
    const cases: [string, Staff, string, string][] = [
      [
        'no such report',
        anna,
        anna.statement({ kind: 'dismiss_report', report: toBase64Url(randomBytes(16)) }),
        'NOT_FOUND',
      ],
      [
        'another subject than the report’s',
        anna,
        anna.statement({ kind: 'dismiss_report', report: id, subject: reporter.accountId }),
        'BAD_REQUEST',
      ],
      [
        'a moderator, about another moderator',
        anna,
        anna.statement({ kind: 'dismiss_report', report: aboutBob }),
        'FORBIDDEN',
      ],
      [
        'oneself, the subject',
        anna,
        anna.statement({ kind: 'dismiss_report', report: aboutAnna }),
        'FORBIDDEN',
      ],
      [
        'no certificate',
        uncertified,
        uncertified.statement({ kind: 'dismiss_report', report: aboutBob }),
        'FORBIDDEN',
      ],
      [
        'another kind',
        anna,
        anna.statement({
          kind: 'suspend',
          subject: subject.accountId,
          reason: 'abuse',
          report: id,
        }),
        'BAD_REQUEST',
      ],
      [
        'another’s statement',
        anna,
        bob.statement({ kind: 'dismiss_report', report: id }),
        'FORBIDDEN',
      ],
    ];
    for (const [name, by, statement, code] of cases) {
      await expectRefusedUnchanged(
        server,
        () => call(by.socket, 'reports.dismiss', { statement }),
        code,
      ).catch((error: unknown) => {
        throw new Error(`${name}: ${String(error)}`);
      });
    }
    // An admin decides about a moderator.
    expect(await dismiss(admin, aboutBob)).toMatchObject({ ok: true });
  });

  it('a suspension naming an open report actions it in the same write; a missing, closed or mismatched report stops both', async () => {
    const reporter = await member('victim');
    const other = await member('victim-2');
    const abuser = await member('abuser');
    const bystander = await member('bystander');
    const first = await reported(reporter, abuser.accountId);
    const second = await reported(other, abuser.accountId);
    const dismissed = await reported(reporter, bystander.accountId);
    expect(await dismiss(anna, dismissed)).toMatchObject({ ok: true });
    const pushes = reportPushes(bob.socket);

    // A report about someone else, a closed one, a missing one: no suspension, no report change.
    await expectRefusedUnchanged(
      server,
      () => suspend(anna, bystander.accountId, first),
      'BAD_REQUEST',
    );
    await expectRefusedUnchanged(
      server,
      () => suspend(anna, bystander.accountId, dismissed),
      'CONFLICT',
    );
    await expectRefusedUnchanged(
      server,
      () => suspend(anna, bystander.accountId, toBase64Url(randomBytes(16))),
      'NOT_FOUND',
    );
    expect(suspendedAt(bystander.accountId)).toBeNull();

    const before = auditLength(server);
    expect(await suspend(anna, abuser.accountId, first)).toMatchObject({
      ok: true,
      data: { sessionsEnded: 1, entry: { seq: before + 1 } },
    });
    expect(reportRow(first)).toMatchObject({ state: 'actioned' });
    const at = suspendedAt(abuser.accountId);
    expect(at).toEqual(reportRow(first)?.closed_at);
    expect(await pushes.next((event) => event.id === first)).toMatchObject({ state: 'actioned' });

    // The second report about the suspended account is actioned too; the suspension stays as it was.
    expect(await suspend(bob, abuser.accountId, second)).toMatchObject({
      ok: true,
      data: { sessionsEnded: 0 },
    });
    expect(reportRow(second)).toMatchObject({ state: 'actioned' });
    expect(suspendedAt(abuser.accountId)).toBe(at);
    // Without a report, suspending again is still a conflict.
    await expectRefusedUnchanged(server, () => suspend(anna, abuser.accountId), 'CONFLICT');
  });

  it('of two moderators dismissing one report at once, one wins; the other changes nothing', async () => {
    const reporter = await member('twice');
    const subject = await member('once');
    const id = await reported(reporter, subject.accountId);
    const before = auditLength(server);
    const answers = await Promise.all([dismiss(anna, id), dismiss(bob, id)]);
    expect(answers.map((answer) => (answer.ok ? 'OK' : answer.error.code)).sort()).toEqual([
      'CONFLICT',
      'OK',
    ]);
    expect(auditLength(server)).toBe(before + 1);
  });

  it('refuses malformed decisions and cursors with BAD_REQUEST, changing nothing', async () => {
    const cases: [string, unknown][] = [
      ['reports.dismiss', { statement: toBase64Url(randomBytes(200)) }],
      ['reports.dismiss', { statement: 'not base64url!' }],
      ['reports.dismiss', {}],
      ['reports.list', { after: { createdAt: -1, id: toBase64Url(randomBytes(16)) } }],
      ['reports.list', { after: { createdAt: 1, id: 'x' } }],
      ['reports.list', { limit: 500 }],
    ];
    for (const [event, payload] of cases) {
      await expectRefusedUnchanged(
        server,
        () => rawCall(anna.socket, event, payload),
        'BAD_REQUEST',
      );
    }
  });

  it('leaves an audit log that verifies, with every dismissal and action in it', async () => {
    expect(await verifyAuditLog(server.store, org.root.publicKey)).toMatchObject({ ok: true });
    const statements = (await server.store.audit.entries(0, 1000))
      .filter((entry) => entry.type === 'statement')
      .map((entry) => decodeAuditStatementUnverified(entry.payload));
    const closed = new Set(
      (server.snapshot().reports ?? [])
        .map((row) => JSON.parse(row as string) as { id: string; state: string })
        .filter((row) => row.state !== 'open')
        .map((row) => row.id),
    );
    // Every closed report is closed by exactly one logged statement naming it.
    const naming = statements.filter((statement) => statement.report !== undefined);
    expect(naming.map((statement) => statement.report).sort()).toEqual([...closed].sort());
    expect(new Set(naming.map((statement) => statement.kind))).toEqual(
      new Set(['dismiss_report', 'suspend']),
    );
  });
});

it('hands moderators the note byte for byte as the reporter sealed it', async () => {
  const reporter = await member('exact');
  const subject = await member('exactly');
  const input = reportInput(reporter.accountId, subject.accountId, {
    sender: reporter.identity,
    recipients: [moderatorKeys.recipient],
  });
  const made = await call(reporter.socket, 'reports.create', input);
  if (!made.ok) throw new Error(made.error.code);
  const row = (await openList(anna)).find((listed) => listed.id === made.data.id);
  expect(row?.note).toEqual(fromBase64Url(input.note!));
});

describe('audit-verify and the reports table', () => {
  /** Runs `sql` on the server's file from another connection, as someone with the disk would. */
  const tamper = (sql: string, ...params: unknown[]) => {
    const db = new Database(server.dbFile);
    try {
      db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
  };

  const expectReportMismatch = async (naming: string) => {
    const verified = await verifyAuditLog(server.store, org.root.publicKey);
    expect(verified).toMatchObject({ ok: false, state: 'reports' });
    expect('stateMismatch' in verified ? verified.stateMismatch : '').toContain(naming);
  };

  it('names a report closed without a signed decision, and one reopened after it', async () => {
    const reporter = await member('buried');
    const subject = await member('protected');
    const open = await reported(reporter, subject.accountId);
    const closed = await reported(reporter, (await member('closed')).accountId);
    expect(await dismiss(anna, closed)).toMatchObject({ ok: true });
    expect(await verifyAuditLog(server.store, org.root.publicKey)).toMatchObject({ ok: true });

    // Someone with the disk buries the open report: marked dismissed, no decision in the log.
    tamper(`UPDATE reports SET state = 'dismissed', closed_at = 1 WHERE id = ?`, open);
    await expectReportMismatch(`report ${open} is dismissed`);
    tamper(`UPDATE reports SET state = 'open', closed_at = NULL WHERE id = ?`, open);

    // … or reopens, or re-labels, one a decision closed.
    tamper(`UPDATE reports SET state = 'actioned' WHERE id = ?`, closed);
    await expectReportMismatch(`report ${closed} is actioned`);
    tamper(`UPDATE reports SET state = 'open', closed_at = NULL WHERE id = ?`, closed);
    await expectReportMismatch(`report ${closed} is open`);
    tamper(`UPDATE reports SET state = 'dismissed', closed_at = 1 WHERE id = ?`, closed);
    expect(await verifyAuditLog(server.store, org.root.publicKey)).toMatchObject({ ok: true });
  });
});
