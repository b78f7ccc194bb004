// The volunteer's and the contact's side of a match through the real server: decline (barred,
// re-matched to someone else, never the same pair again), the accept timeout, the contact
// declining an accepted volunteer, ending and blocking — with the channel between the two open
// exactly while the match is accepted, and the details gone from disk once it ended — and every
// call on someone else's match refused.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { MatchService } from '../../server/src/domain/moderation/matches.js';
import { SILENT_NOTIFIER } from '../../server/src/domain/notifier.js';
import { WAL_SCRUB_DELAY_MS } from '../../server/src/store/sqlite/wal-scrubber.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { openAndSend } from '../support/conversations.js';
import { call } from '../support/client.js';
import { requestInput, wireRequest } from '../support/requests.js';
import { addDevice, publishPrekeys, type LoggedIn } from '../support/keys.js';
import {
  approved,
  approvedPair,
  bytes,
  contactWithRequest,
  freshLanguage,
  matchingSettled,
  onModerationBoard,
  pendingEntry,
  queued,
  vettedVolunteer,
  type Board,
} from '../support/matching.js';

let board: Board;

onModerationBoard((started) => (board = started));

/** The database file and its -wal and -shm companions, byte for byte. */
async function filesOnDisk(): Promise<Buffer> {
  const parts = await Promise.all(
    ['', '-wal', '-shm'].map((suffix) =>
      readFile(board.server.dbFile + suffix).catch(() => Buffer.alloc(0)),
    ),
  );
  return Buffer.concat(parts);
}

const stateOf = async (id: string) => (await board.server.store.proposals.findProposal(id))?.state;
const requestState = async (id: string) =>
  (await board.server.store.requests.findRequest(id))?.state;

async function devices(pair: { volunteer: LoggedIn; contact: LoggedIn }) {
  const volunteerDevice = await addDevice(board.server.url, pair.volunteer);
  const contactDevice = await addDevice(board.server.url, pair.contact);
  await publishPrekeys(volunteerDevice, 3);
  await publishPrekeys(contactDevice, 3);
  return { volunteerDevice, contactDevice };
}

describe('the volunteer', () => {
  it('declines: the pair is barred and the request goes to another volunteer, never back', async () => {
    const { server } = board;
    const pair = await approvedPair(board);
    const second = await vettedVolunteer(board, {
      skills: [{ code: 'legal.military-law', level: 1 }],
      languages: [pair.language],
    });
    await matchingSettled(board);
    const declined = await call(pair.volunteer.socket, 'matches.decline', { id: pair.matchId });
    expect(declined).toMatchObject({ ok: true, data: { match: { state: 'declined' } } });
    expect(
      await server.store.proposals.barsBetween(pair.contact.accountId, pair.volunteer.accountId),
    ).toMatchObject([{ reason: 'declined' }]);
    await matchingSettled(board);
    expect((await pendingEntry(board.anna, pair.contact.requestId)).proposal.volunteerId).toBe(
      second.accountId,
    );
    // The same contact's next request is never proposed to the volunteer who declined.
    await call(second.socket, 'offers.set_paused', { paused: true });
    const again = await call(
      pair.contact.socket,
      'requests.create',
      wireRequest(
        requestInput({ fields: { skills: ['legal.military-law'], languages: [pair.language] } }),
      ),
    );
    expect(again).toMatchObject({ ok: true });
    await matchingSettled(board);
    const id = again.ok ? again.data.request.id : '';
    expect(await queued(board.anna, id)).toBeUndefined();
    expect(await requestState(id)).toBe('open');
  });

  it('lets the offer time out: timed_out, the request back to matching', async () => {
    const pair = await approvedPair(board);
    const later = new MatchService({
      store: board.server.store,
      clock: { now: () => Date.now() + board.server.config.matchAcceptTimeoutMs + 1000 },
      lifecycle: board.server.server.services.requestLifecycle,
      notifier: SILENT_NOTIFIER,
      proposer: board.server.server.services.proposer,
      conversations: board.server.server.services.conversations,
    });
    // Not yet due on the server's own clock.
    expect(await board.server.server.services.matches.housekeep()).toBe(0);
    expect(await later.housekeep()).toBeGreaterThanOrEqual(1);
    expect(await stateOf(pair.matchId)).toBe('timed_out');
    expect(await requestState(pair.contact.requestId)).toBe('open');
    await expectRefusedUnchanged(
      board.server,
      () => call(pair.volunteer.socket, 'matches.accept', { id: pair.matchId }),
      'CONFLICT',
    );
  });

  it('refuses what is not theirs or not in the right state, changing nothing', async () => {
    const { server } = board;
    const pair = await approvedPair(board);
    const stranger = await vettedVolunteer(board, { languages: ['zz'] });
    const id = pair.matchId;
    await expectRefusedUnchanged(
      server,
      () => call(stranger.socket, 'matches.accept', { id }),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => call(stranger.socket, 'matches.decline', { id }),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => call(stranger.socket, 'matches.block', { id }),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => call(stranger.socket, 'matches.end', { id, outcome: 'closed' }),
      'NOT_FOUND',
    );
    // The contact neither accepts (volunteers only) nor sees the match before acceptance.
    await expectRefusedUnchanged(
      server,
      () => call(pair.contact.socket, 'matches.accept', { id }),
      'FORBIDDEN',
    );
    await expectRefusedUnchanged(
      server,
      () => call(pair.contact.socket, 'matches.decline', { id }),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => call(board.anna.socket, 'matches.list', {}),
      'FORBIDDEN',
    );
    // Not live yet: cannot end.
    await expectRefusedUnchanged(
      server,
      () => call(pair.volunteer.socket, 'matches.end', { id, outcome: 'resolved' }),
      'CONFLICT',
    );
    expect(await call(pair.volunteer.socket, 'matches.accept', { id })).toMatchObject({ ok: true });
    await expectRefusedUnchanged(
      server,
      () => call(pair.volunteer.socket, 'matches.accept', { id }),
      'CONFLICT',
    );
    // An accepted match is ended, not declined, by the volunteer.
    await expectRefusedUnchanged(
      server,
      () => call(pair.volunteer.socket, 'matches.decline', { id }),
      'CONFLICT',
    );
  });
});

describe('the contact and the channel', () => {
  it('the contact declines the accepted volunteer: withdrawn, barred, the request open again, the channel closed', async () => {
    const pair = await approvedPair(board, { accept: true });
    const { volunteerDevice, contactDevice } = await devices(pair);
    expect(await openAndSend(contactDevice, volunteerDevice)).toMatchObject({ ok: true });
    const declined = await call(pair.contact.socket, 'matches.decline', { id: pair.matchId });
    expect(declined).toMatchObject({ ok: true, data: { match: { state: 'withdrawn' } } });
    expect(await requestState(pair.contact.requestId)).toBe('open');
    await expectRefusedUnchanged(
      board.server,
      () => openAndSend(contactDevice, volunteerDevice),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      board.server,
      () => openAndSend(volunteerDevice, contactDevice),
      'NOT_FOUND',
    );
    expect(
      await board.server.store.proposals.barsBetween(
        pair.contact.accountId,
        pair.volunteer.accountId,
      ),
    ).toMatchObject([{ reason: 'declined' }]);
  });

  it('a block by the volunteer withdraws the live match and closes the channel for good', async () => {
    const pair = await approvedPair(board, { accept: true });
    const { volunteerDevice, contactDevice } = await devices(pair);
    expect(await openAndSend(volunteerDevice, contactDevice)).toMatchObject({ ok: true });
    const blocked = await call(pair.volunteer.socket, 'matches.block', { id: pair.matchId });
    expect(blocked).toMatchObject({ ok: true, data: { match: { state: 'withdrawn' } } });
    expect(await requestState(pair.contact.requestId)).toBe('open');
    await expectRefusedUnchanged(
      board.server,
      () => openAndSend(volunteerDevice, contactDevice),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      board.server,
      () => call(contactDevice.socket, 'prekeys.fetch', { accountId: pair.volunteer.accountId }),
      'NOT_FOUND',
    );
    expect(
      await board.server.store.proposals.barsBetween(
        pair.contact.accountId,
        pair.volunteer.accountId,
      ),
    ).toMatchObject([{ reason: 'blocked' }]);
  });

  it('after the end either side may still block; the channel stays closed', async () => {
    const pair = await approvedPair(board, { accept: true });
    expect(
      await call(pair.volunteer.socket, 'matches.end', { id: pair.matchId, outcome: 'closed' }),
    ).toMatchObject({ ok: true, data: { match: { state: 'ended' } } });
    expect(await requestState(pair.contact.requestId)).toBe('closed');
    expect(await call(pair.contact.socket, 'matches.block', { id: pair.matchId })).toMatchObject({
      ok: true,
      data: { match: { state: 'ended' } },
    });
    expect(
      await board.server.store.proposals.barsBetween(
        pair.contact.accountId,
        pair.volunteer.accountId,
      ),
    ).toMatchObject([{ reason: 'blocked' }]);
  });

  it('an ended match’s details (as re-wrapped for the volunteer) leave the DB, WAL and SHM', async () => {
    const pair = await approvedPair(board, { accept: true });
    const listed = await call(pair.volunteer.socket, 'matches.list', {});
    if (!listed.ok) throw new Error(listed.error.code);
    const details = Buffer.from(
      bytes(listed.data.matches.find((m) => m.id === pair.matchId)!.details!),
    );
    const disk = await filesOnDisk();
    const slices = [100, 5_000, 12_000, 20_000, details.length - 40]
      .map((at) => details.subarray(at, at + 32))
      .filter((slice) => disk.includes(slice));
    expect(slices.length).toBeGreaterThanOrEqual(3);
    expect(
      await call(pair.contact.socket, 'matches.end', { id: pair.matchId, outcome: 'resolved' }),
    ).toMatchObject({ ok: true });
    const deadline = Date.now() + WAL_SCRUB_DELAY_MS + 2000;
    let left = slices.length;
    while (left > 0 && Date.now() < deadline) {
      const now = await filesOnDisk();
      left = slices.filter((slice) => now.includes(slice)).length;
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(left).toBe(0);
  });

  it('a cancelled request withdraws its approved proposal on the next matching run', async () => {
    const language = freshLanguage();
    const volunteer = await vettedVolunteer(board, {
      skills: [{ code: 'legal.military-law', level: 2 }],
      languages: [language],
    });
    const contact = await contactWithRequest(board, {
      skills: ['legal.military-law'],
      languages: [language],
    });
    const matchId = await approved(board, contact, volunteer);
    expect(await call(contact.socket, 'requests.cancel', { id: contact.requestId })).toMatchObject({
      ok: true,
    });
    await matchingSettled(board);
    expect(await stateOf(matchId)).toBe('withdrawn');
    expect(await call(volunteer.socket, 'matches.list', {})).toEqual({
      ok: true,
      data: { matches: [] },
    });
  });
});
