// What is deleted must leave the disk (issue 6): after an acknowledgement the SQLite write-ahead
// log still held every acknowledged envelope until megabytes of later writes overwrote it. These
// tests read the raw database, -wal and -shm files of the real server, as someone who seized
// the host would, and look for what was deleted: envelope bodies, client ids, the sender, a
// consumed one-time prekey, a removed device's prekeys and undelivered envelopes, a purged challenge's handle,
// an ended session's token hash, an ended request's sealed details, a replaced offer's note and a
// closed abuse report's note past its retention.
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '@kolokol/shared';
import { encodeRootPublicKey, removeDeviceFromList } from '@kolokol/shared/crypto';
import { AuditLog } from '../../server/src/domain/audit/audit-log.js';
import { Decisions } from '../../server/src/domain/audit/decisions.js';
import { purgeExpired } from '../../server/src/domain/housekeeping.js';
import { SILENT_NOTIFIER } from '../../server/src/domain/notifier.js';
import { ReportService } from '../../server/src/domain/reports.js';
import { RequestLifecycle } from '../../server/src/domain/request-lifecycle.js';
import { newId } from '../../server/src/domain/secrets.js';
import { WAL_SCRUB_DELAY_MS } from '../../server/src/store/sqlite/wal-scrubber.js';
import {
  call,
  challenge,
  closeAllSockets,
  connectWithToken,
  login,
  registerAndLogin,
} from '../support/client.js';
import { addDevice, fetchBundle, ownDeviceList, publishPrekeys } from '../support/keys.js';
import { staff, testOrganisation } from '../support/audit.js';
import { envelopeBody, openTestConversation, sendMessage } from '../support/conversations.js';
import { reportInput } from '../support/reports.js';
import { offerInput, requestInput, wireRequest } from '../support/requests.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

/** Slack on top of the documented bound for a timer on a shared, loaded 2-core machine. */
const SLACK_MS = 2000;

const org = testOrganisation();
let server: TestServer;
beforeAll(async () => {
  // A root key, so a certified moderator can close an abuse report.
  server = await startTestServer({
    KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(org.root.publicKey),
  });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

/** The database file and its -wal and -shm companions, byte for byte, as found on disk. */
async function filesOnDisk(): Promise<Buffer> {
  const parts = await Promise.all(
    ['', '-wal', '-shm'].map((suffix) =>
      readFile(server.dbFile + suffix).catch(() => Buffer.alloc(0)),
    ),
  );
  return Buffer.concat(parts);
}

function occurrences(haystack: Buffer, needle: Buffer): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    count += 1;
  }
  return count;
}

/** How often `needle` occurs in a freshly vacuumed copy of the live data: its legitimate copies. */
async function liveOccurrences(needle: Buffer): Promise<number> {
  const copy = `${server.dbFile}.live-copy`;
  const db = new Database(server.dbFile, { readonly: true, fileMustExist: true });
  try {
    db.exec(`VACUUM INTO '${copy}'`);
  } finally {
    db.close();
  }
  try {
    return occurrences(await readFile(copy), needle);
  } finally {
    await rm(copy, { force: true });
  }
}

/**
 * Polls the files until none of `gone` occurs in them, for at most the documented bound plus
 * slack; returns what was still found at the end (nothing, when the store kept its promise).
 */
async function leftOnDisk(gone: readonly Buffer[]): Promise<number[]> {
  const deadline = Date.now() + WAL_SCRUB_DELAY_MS + SLACK_MS;
  for (;;) {
    const disk = await filesOnDisk();
    const found = gone.map((needle) => occurrences(disk, needle));
    if (found.every((n) => n === 0) || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('deleted data leaves the database files', () => {
  it('acknowledged envelopes: no body or extra copy of the sender survives in the DB, WAL or SHM; the client ids go with the timer', async () => {
    // A moderator writes 20 envelopes to a contact in a conversation; the contact acknowledges them.
    const { staff: mod, peer: contact, id } = await openTestConversation(server, 'contact');
    expect(
      await call(mod.socket, 'conversations.set_timer', { conversation: id, ttlSeconds: 3600 }),
    ).toMatchObject({ ok: true });
    const bodies = Array.from({ length: 20 }, () => envelopeBody(1024));
    const clientIds = bodies.map(() => newId());
    for (const [i, body] of bodies.entries()) {
      await sendMessage(mod.socket, id, contact, { body, clientId: clientIds[i]! });
    }
    const fetched = await call(contact.socket, 'conversations.fetch', {
      conversation: id,
      after: 0,
    });
    expect(fetched.ok && fetched.data.messages.map((m) => m.seq)).toHaveLength(20);
    // Before the ack, everything is on disk (so the search below can find it).
    const bodyBytes = bodies.map((body) => Buffer.from(fromBase64Url(body)!));
    const before = await filesOnDisk();
    expect(bodyBytes.every((body) => before.includes(body))).toBe(true);
    expect(before.includes(Buffer.from(clientIds[0]!))).toBe(true);

    expect(await call(contact.socket, 'conversations.ack', { conversation: id, seq: 20 })).toEqual({
      ok: true,
      data: { ackedSeq: 20 },
    });
    expect(await leftOnDisk(bodyBytes)).toEqual(bodyBytes.map(() => 0));
    // The sender's ids stay where live rows need them (its account, session, device, the
    // messages' rows kept for retries) and nowhere else.
    for (const sender of [mod.accountId, mod.deviceId].map((value) => Buffer.from(value))) {
      expect(occurrences(await filesOnDisk(), sender)).toBe(await liveOccurrences(sender));
    }

    // A message's row (its client id, for idempotent retries) lives as long as the timer: past
    // it, housekeeping deletes the rows and the client ids leave the files too.
    const later = { now: () => Date.now() + 3600 * 1000 + 60_000 };
    expect((await purgeExpired(server.store, later)).conversationMessages).toBeGreaterThanOrEqual(
      20,
    );
    const ids = clientIds.map((value) => Buffer.from(value));
    expect(await leftOnDisk(ids)).toEqual(ids.map(() => 0));
  });

  it('a removed device’s prekeys and undelivered envelopes', async () => {
    const owner = await addDevice(
      server.url,
      await registerAndLogin(server.url, 'vol', { role: 'volunteer' }),
    );
    const lost = await addDevice(server.url, {
      ...owner,
      token: await login(server.url, owner.account),
    });
    const store = await publishPrekeys(lost, 3, 2);
    const mod = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    const opened = await call(mod.socket, 'conversations.open', { peer: owner.accountId });
    if (!opened.ok) throw new Error(opened.error.code);
    // One envelope for each of the owner's two devices; the lost one's is never read.
    const body = envelopeBody(1024);
    const sent = await call(mod.socket, 'conversations.send', {
      conversation: opened.data.conversation.id,
      clientId: newId(),
      envelopes: [
        { device: owner.deviceId, body: envelopeBody(1024) },
        { device: lost.deviceId, body },
      ],
    });
    expect(sent).toMatchObject({ ok: true });
    const keys = [
      Buffer.from(store.currentSignedPrekey()!.publicKey),
      Buffer.from(store.currentKemPrekey()!.publicKey.subarray(0, 64)),
      Buffer.from(fromBase64Url(body)!),
    ];
    expect((await filesOnDisk()).includes(keys[0]!)).toBe(true);
    const current = (await ownDeviceList(owner.socket, owner))!;
    const removed = await call(owner.socket, 'devices.remove', {
      deviceId: lost.deviceId,
      list: toBase64Url(removeDeviceFromList(owner.account.identity, current, lost.deviceId)),
    });
    expect(removed).toMatchObject({ ok: true });
    expect(await leftOnDisk(keys)).toEqual(keys.map(() => 0));
  });

  it('a one-time prekey handed out in a bundle', async () => {
    const owner = await addDevice(
      server.url,
      await registerAndLogin(server.url, 'vol', { role: 'volunteer' }),
    );
    await publishPrekeys(owner, 3);
    const mod = await addDevice(server.url, await enrolStaff(server, 'moderator'));
    const bundle = await fetchBundle(mod.socket, owner.accountId);
    const taken = Buffer.from(bundle.oneTimePrekey!.publicKey);
    expect(await leftOnDisk([taken])).toEqual([0]);
  });

  it('a purged challenge’s handle and an ended session’s token hash', async () => {
    const tried = 'someone.who.tried.once';
    await challenge(server.url, tried);
    const { token } = await registerAndLogin(server.url, 'leaving');
    const { session } = await server.server.services.sessions.authenticate(token);
    await server.server.services.sessions.logout(session.id);
    const tokenHash = createHash('sha256').update(token).digest();
    expect((await filesOnDisk()).includes(tokenHash)).toBe(true);

    const later = { now: () => Date.now() + 10 * 60 * 1000 }; // challenges live 2 minutes
    const purged = await purgeExpired(server.store, later);
    expect(purged.sessions).toBeGreaterThanOrEqual(1);
    expect(await leftOnDisk([Buffer.from(tried), tokenHash])).toEqual([0, 0]);
  });

  it('a cancelled request’s and an expired request’s sealed details, and a replaced offer’s note', async () => {
    const contact = await registerAndLogin(server.url, 'asking');
    const socket = await connectWithToken(server.url, contact.token);
    const cancelled = requestInput();
    const expired = requestInput();
    const ids: string[] = [];
    for (const input of [cancelled, expired]) {
      const ack = await call(socket, 'requests.create', wireRequest(input));
      if (!ack.ok) throw new Error(ack.error.code);
      ids.push(ack.data.request.id);
    }
    const volunteer = await registerAndLogin(server.url, 'offering', { role: 'volunteer' });
    const volunteerSocket = await connectWithToken(server.url, volunteer.token);
    const first = offerInput(
      {},
      { accountId: volunteer.accountId, sender: volunteer.account.identity },
    );
    expect(await call(volunteerSocket, 'offers.put', first)).toMatchObject({ ok: true });

    // Slices of each envelope as found on disk now (a slice across a page boundary is not).
    const disk = await filesOnDisk();
    const slicesOf = (base64: string) => {
      const bytes = Buffer.from(fromBase64Url(base64)!);
      return [100, 5_000, 12_000, 20_000, bytes.length - 40]
        .map((at) => bytes.subarray(at, at + 32))
        .filter((slice) => disk.includes(slice));
    };
    const gone = [cancelled.details, expired.details, first.note!].map(slicesOf);
    for (const slices of gone) expect(slices.length).toBeGreaterThanOrEqual(3);

    // Each deletion on its own, checked before the next one can trigger a scrub.
    const [cancelledSlices, expiredSlices, noteSlices] = gone as [Buffer[], Buffer[], Buffer[]];
    expect(await call(socket, 'requests.cancel', { id: ids[0]! })).toMatchObject({ ok: true });
    expect(await leftOnDisk(cancelledSlices)).toEqual(cancelledSlices.map(() => 0));

    expect(await call(volunteerSocket, 'offers.put', offerInput())).toMatchObject({ ok: true });
    expect(await leftOnDisk(noteSlices)).toEqual(noteSlices.map(() => 0));

    // Housekeeping a fortnight from now finds the other request past its expiry age (and, with
    // this retention, purges nothing: the expiry alone must scrub).
    const later = new RequestLifecycle({
      store: server.store,
      clock: { now: () => Date.now() + server.config.requestExpiryMs + 60_000 },
      notifier: SILENT_NOTIFIER,
      ages: {
        expiryMs: server.config.requestExpiryMs,
        endedRetentionMs: 10 * server.config.requestExpiryMs,
      },
      conversations: server.server.services.conversations,
    });
    expect(await later.housekeep()).toMatchObject({ purged: 0 });
    expect((await server.store.requests.findRequest(ids[1]!))?.state).toBe('expired');
    expect(await leftOnDisk(expiredSlices)).toEqual(expiredSlices.map(() => 0));
  });

  it('a closed abuse report’s sealed note, once its retention is over', async () => {
    const contact = await registerAndLogin(server.url, 'reporting');
    const socket = await connectWithToken(server.url, contact.token);
    const subject = await registerAndLogin(server.url, 'reported', { role: 'volunteer' });
    const input = reportInput(contact.accountId, subject.accountId, {
      sender: contact.account.identity,
    });
    const made = await call(socket, 'reports.create', input);
    if (!made.ok) throw new Error(made.error.code);
    const disk = await filesOnDisk();
    const note = Buffer.from(fromBase64Url(input.note!)!);
    const slices = [100, 5_000, 12_000, 20_000, note.length - 40]
      .map((at) => note.subarray(at, at + 32))
      .filter((slice) => disk.includes(slice));
    expect(slices.length).toBeGreaterThanOrEqual(3);

    // Dismissed: closed, and kept (note included) for the retention.
    const moderator = await staff(server, org);
    expect(
      await call(moderator.socket, 'reports.dismiss', {
        statement: moderator.statement({ kind: 'dismiss_report', report: made.data.id }),
      }),
    ).toMatchObject({ ok: true });
    const housekeeping = (offsetMs: number) =>
      new ReportService({
        store: server.store,
        clock: { now: () => Date.now() + offsetMs },
        notifier: SILENT_NOTIFIER,
        decisions: new Decisions({
          store: server.store,
          clock: { now: () => Date.now() },
          log: new AuditLog({ store: server.store, clock: { now: () => Date.now() } }),
          rootPublicKey: org.root.publicKey,
        }),
        newAccountMs: server.config.newAccountMs,
        closedRetentionMs: server.config.closedReportRetentionMs,
      }).housekeep();
    expect(await housekeeping(server.config.closedReportRetentionMs - 60_000)).toBe(0);
    expect(await server.store.reports.findReport(made.data.id)).toMatchObject({
      state: 'dismissed',
    });

    // Past it, housekeeping deletes the whole report, and nothing of the note stays on disk.
    expect(await housekeeping(server.config.closedReportRetentionMs + 60_000)).toBe(1);
    expect(await server.store.reports.findReport(made.data.id)).toBeUndefined();
    expect(await leftOnDisk(slices)).toEqual(slices.map(() => 0));
  });
});
