// A contact↔volunteer conversation lives only while their match is accepted (issue 9): every way a
// match stops being live — either side ends it, the contact declines the volunteer, either side
// blocks the other, the contact cancels the request, a moderator suspends one of them — closes
// the pair's conversation: both sides hear conversations.changed with closedAt, a send is
// CONFLICT and a reopen NOT_FOUND (the channel policy refuses), each changing nothing. A
// conversation the store was left with anyway (a crash between two writes) is closed by the
// housekeeping sweep. Conversations with staff are not touched.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { call } from '../support/client.js';
import { sendMessage, sendPayload } from '../support/conversations.js';
import { addDevice } from '../support/keys.js';
import {
  eventually,
  expectClosedForGood,
  talkingPair as talking,
} from '../support/match-conversations.js';
import { matchingSettled, onModerationBoard, type Board } from '../support/matching.js';
import { cleanEnv, runAdmin } from '../support/process.js';
import { enrolStaff } from '../support/staff.js';
import { encodeRootPublicKey } from '@kolokol/shared/crypto';

let board: Board;

onModerationBoard((started) => (board = started));

const talkingPair = () => talking(board);

describe('a match that stops being live closes the pair’s conversation', () => {
  it('either side ends the match', async () => {
    const pair = await talkingPair();
    const ended = await call(pair.volunteer.socket, 'matches.end', {
      id: pair.matchId,
      outcome: 'resolved',
    });
    expect(ended).toMatchObject({ ok: true, data: { match: { state: 'ended' } } });
    await expectClosedForGood(board, pair);
  });

  it('the contact declines the volunteer after acceptance', async () => {
    const pair = await talkingPair();
    const declined = await call(pair.contact.socket, 'matches.decline', { id: pair.matchId });
    expect(declined).toMatchObject({ ok: true, data: { match: { state: 'withdrawn' } } });
    await expectClosedForGood(board, pair);
  });

  it('either side blocks the other by the match', async () => {
    const pair = await talkingPair();
    const blocked = await call(pair.contact.socket, 'matches.block', { id: pair.matchId });
    expect(blocked).toMatchObject({ ok: true, data: { match: { state: 'withdrawn' } } });
    await expectClosedForGood(board, pair);
  });

  it('the contact cancels the request', async () => {
    const pair = await talkingPair();
    const cancelled = await call(pair.contact.socket, 'requests.cancel', {
      id: pair.contact.requestId,
    });
    expect(cancelled).toMatchObject({ ok: true, data: { request: { state: 'cancelled' } } });
    // The conversation closed with the request's write, before matching withdrew the orphaned
    // match; let that run happen now, so it does not land inside a "nothing changed" check.
    expect(
      (await board.server.store.conversations.findConversation(pair.conversation))?.closedAt,
    ).not.toBeNull();
    await board.server.server.services.proposer.request();
    await matchingSettled(board);
    expect((await board.server.store.proposals.findProposal(pair.matchId))?.state).toBe(
      'withdrawn',
    );
    await expectClosedForGood(board, pair);
  });
});

describe('a suspension closes the account’s conversations with contacts and volunteers', () => {
  it('the operator suspends the contact from the host (admin CLI, another process): closed in the store, the volunteer’s send refused', async () => {
    const pair = await talkingPair();
    const result = await runAdmin(
      ['suspend', pair.contact.account.handle],
      cleanEnv({
        KOLOKOL_DATA_DIR: board.server.config.dataDir,
        KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(board.org.root.publicKey),
      }),
    );
    expect(result.code).toBe(0);
    expect(
      (await board.server.store.conversations.findConversation(pair.conversation))?.closedAt,
    ).not.toBeNull();
    await expectRefusedUnchanged(
      board.server,
      () =>
        call(
          pair.volunteerDevice.socket,
          'conversations.send',
          sendPayload(pair.conversation, pair.contactDevice),
        ),
      'CONFLICT',
    );
  }, 60_000);

  it('the volunteer suspended: closed, the contact told; the staff conversation stays open', async () => {
    const pair = await talkingPair();
    // A moderator who talks with the volunteer (vetting): not a match's conversation.
    const moderator = await addDevice(
      board.server.url,
      await enrolStaff(board.server, 'moderator'),
    );
    const withStaff = await call(moderator.socket, 'conversations.open', {
      peer: pair.volunteer.accountId,
    });
    if (!withStaff.ok) throw new Error(`conversations.open failed: ${withStaff.error.code}`);
    const suspended = await call(board.anna.socket, 'moderation.suspend', {
      statement: board.anna.statement({
        kind: 'suspend',
        subject: pair.volunteer.accountId,
        reason: 'abuse',
      }),
    });
    expect(suspended).toMatchObject({ ok: true });
    expect(
      (await board.server.store.conversations.findConversation(pair.conversation))?.closedAt,
    ).not.toBeNull();
    await eventually(
      () => pair.contactHears.some((event) => event.conversation.closedAt !== null),
      'the contact hears of the close',
    );
    await expectRefusedUnchanged(
      board.server,
      () =>
        call(
          pair.contactDevice.socket,
          'conversations.send',
          sendPayload(pair.conversation, pair.volunteerDevice),
        ),
      'CONFLICT',
    );
    const staffSide = await board.server.store.conversations.findConversation(
      withStaff.data.conversation.id,
    );
    expect(staffSide?.closedAt).toBeNull();
  });
});

describe('housekeeping’s sweep', () => {
  it('closes a conversation left open without a live match (a crash between two writes)', async () => {
    const pair = await talkingPair();
    const staffTalk = await addDevice(board.server.url, await enrolStaff(board.server, 'admin'));
    const withStaff = await call(staffTalk.socket, 'conversations.open', {
      peer: pair.contact.accountId,
    });
    if (!withStaff.ok) throw new Error(`conversations.open failed: ${withStaff.error.code}`);
    const db = new Database(board.server.dbFile);
    try {
      // What a crash after a cancellation's write, before its conversation's, leaves behind.
      db.prepare(`UPDATE requests SET state = 'cancelled', details = NULL WHERE id = ?`).run(
        pair.contact.requestId,
      );
    } finally {
      db.close();
    }
    // Nothing closed it yet: a send still goes through, which is what the sweep is for.
    await sendMessage(pair.contactDevice.socket, pair.conversation, pair.volunteerDevice);
    const { conversations } = board.server.server.services;
    // (The server's own minutely sweep may come first: either way the sweep closes it.)
    await conversations.housekeep();
    // The orphaned match is matching's to withdraw: let that happen outside the checks below.
    await board.server.server.services.proposer.request();
    await matchingSettled(board);
    await expectClosedForGood(board, pair);
    // The staff conversation and the sweep's second run: nothing more to close.
    expect(
      (await board.server.store.conversations.findConversation(withStaff.data.conversation.id))
        ?.closedAt,
    ).toBeNull();
    expect(await conversations.housekeep()).toBe(0);
  });
});
