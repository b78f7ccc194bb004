// conversations.block through the real server: either side of a match blocks the other from their
// conversation — the pair barred ('blocked'), the match withdrawn, its request matched again with
// someone else, the conversation closed, all in one write — and every bad call is refused with its
// code, changing nothing: another pair's conversation or an unknown id (NOT_FOUND alike), a second
// block (CONFLICT), a conversation with staff (FORBIDDEN: report them instead), staff blocking.
import { describe, expect, it } from 'vitest';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { call } from '../support/client.js';
import { openTestConversation } from '../support/conversations.js';
import { expectClosedForGood, talkingPair } from '../support/match-conversations.js';
import {
  matchingSettled,
  onModerationBoard,
  queued,
  vettedVolunteer,
  type Board,
} from '../support/matching.js';
import { newId } from '../../server/src/domain/secrets.js';

let board: Board;

onModerationBoard((started) => (board = started));

describe('conversations.block', () => {
  it('bars the pair, withdraws the match and closes the conversation; never matched again', async () => {
    const pair = await talkingPair(board);
    const { store } = board.server;
    const blocked = await call(pair.volunteerDevice.socket, 'conversations.block', {
      conversation: pair.conversation,
    });
    expect(blocked).toMatchObject({
      ok: true,
      data: { conversation: { id: pair.conversation, peer: pair.contact.accountId } },
    });
    if (!blocked.ok) return;
    expect(blocked.data.conversation.closedAt).not.toBeNull();
    expect((await store.proposals.findProposal(pair.matchId))?.state).toBe('withdrawn');
    expect(
      (await store.proposals.barsBetween(pair.contact.accountId, pair.volunteer.accountId)).map(
        (bar) => bar.reason,
      ),
    ).toEqual(['blocked']);
    await expectClosedForGood(board, pair);

    // The request is open again and goes to another volunteer; never back to the blocked one.
    const other = await vettedVolunteer(board, {
      skills: [{ code: 'legal.military-law', level: 1 }],
      languages: [pair.language],
    });
    await matchingSettled(board);
    const entry = await queued(board.anna, pair.contact.requestId);
    expect(entry?.proposal.volunteerId).toBe(other.accountId);
  });

  it('refuses a second block, and a block by the other side, changing nothing', async () => {
    const pair = await talkingPair(board);
    expect(
      await call(pair.contactDevice.socket, 'conversations.block', {
        conversation: pair.conversation,
      }),
    ).toMatchObject({ ok: true });
    for (const device of [pair.contactDevice, pair.volunteerDevice]) {
      await expectRefusedUnchanged(
        board.server,
        () => call(device.socket, 'conversations.block', { conversation: pair.conversation }),
        'CONFLICT',
      );
    }
  });

  it('refuses a conversation the caller is not in exactly as an unknown id', async () => {
    const pair = await talkingPair(board);
    const outsider = await talkingPair(board);
    for (const conversation of [pair.conversation, newId()]) {
      for (const device of [outsider.contactDevice, outsider.volunteerDevice]) {
        await expectRefusedUnchanged(
          board.server,
          () => call(device.socket, 'conversations.block', { conversation }),
          'NOT_FOUND',
        );
      }
    }
  });

  it('refuses to block staff (FORBIDDEN), and staff may not block, changing nothing', async () => {
    for (const role of ['contact', 'volunteer'] as const) {
      const { id, staff, peer } = await openTestConversation(board.server, role);
      await expectRefusedUnchanged(
        board.server,
        () => call(peer.socket, 'conversations.block', { conversation: id }),
        'FORBIDDEN',
      );
      await expectRefusedUnchanged(
        board.server,
        () => call(staff.socket, 'conversations.block', { conversation: id }),
        'FORBIDDEN',
      );
      // Closed, a conversation with staff is refused the same way: staff are never blocked.
      expect(await call(peer.socket, 'conversations.close', { conversation: id })).toMatchObject({
        ok: true,
      });
      await expectRefusedUnchanged(
        board.server,
        () => call(peer.socket, 'conversations.block', { conversation: id }),
        'FORBIDDEN',
      );
    }
  });

  it('refuses a conversation the caller closed (CONFLICT); matches.block still bars the pair', async () => {
    const pair = await talkingPair(board);
    expect(
      await call(pair.contactDevice.socket, 'conversations.close', {
        conversation: pair.conversation,
      }),
    ).toMatchObject({ ok: true });
    await expectRefusedUnchanged(
      board.server,
      () =>
        call(pair.contactDevice.socket, 'conversations.block', { conversation: pair.conversation }),
      'CONFLICT',
    );
    expect(await call(pair.contact.socket, 'matches.block', { id: pair.matchId })).toMatchObject({
      ok: true,
      data: { match: { state: 'withdrawn' } },
    });
  });
});
