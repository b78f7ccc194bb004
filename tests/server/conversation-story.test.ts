// A match's conversation from beginning to end, through the real server: refused while the match
// is only approved; once the volunteer accepts, the contact opens it and both sides hear of it;
// messages go both ways, each fetched and acknowledged by the other side's device; then the
// contact blocks the volunteer from it — the conversation closes for both, every send and every
// reopening is refused with nothing changed, the request goes back to matching, and the engine
// never proposes the two again, for this request or a new one.
import { describe, expect, it } from 'vitest';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { call } from '../support/client.js';
import { envelopeBody, sendMessage, sendPayload } from '../support/conversations.js';
import { addDevice } from '../support/keys.js';
import { conversationChanges, eventually } from '../support/match-conversations.js';
import {
  approvedPair,
  contactWithRequest,
  matchingSettled,
  onModerationBoard,
  queued,
  type Board,
} from '../support/matching.js';
import { requestInput, wireRequest } from '../support/requests.js';

let board: Board;

onModerationBoard((started) => (board = started));

describe('a match’s conversation, from acceptance to a block', () => {
  it('opens on acceptance, carries messages both ways, and a block ends it for good', async () => {
    const { server } = board;
    const pair = await approvedPair(board);
    const contact = await addDevice(server.url, pair.contact);
    const volunteer = await addDevice(server.url, pair.volunteer);
    const contactHears = conversationChanges(contact.socket);
    const volunteerHears = conversationChanges(volunteer.socket);

    // Approved is not yet a channel: the volunteer has not accepted.
    await expectRefusedUnchanged(
      server,
      () => call(contact.socket, 'conversations.open', { peer: volunteer.accountId }),
      'NOT_FOUND',
    );
    expect(await call(volunteer.socket, 'matches.accept', { id: pair.matchId })).toMatchObject({
      ok: true,
    });
    const opened = await call(contact.socket, 'conversations.open', { peer: volunteer.accountId });
    if (!opened.ok) throw new Error(`conversations.open failed: ${opened.error.code}`);
    const id = opened.data.conversation.id;
    expect(opened.data.conversation).toMatchObject({ peer: volunteer.accountId, closedAt: null });
    await eventually(
      () => volunteerHears.some((event) => event.conversation.id === id),
      'the volunteer hears of the new conversation',
    );

    // Both ways: each side's device fetches the other's message and acknowledges it.
    const bodies = { toVolunteer: envelopeBody(), toContact: envelopeBody() };
    const first = await sendMessage(contact.socket, id, volunteer, { body: bodies.toVolunteer });
    const second = await sendMessage(volunteer.socket, id, contact, { body: bodies.toContact });
    expect([first.seq, second.seq]).toEqual([1, 2]);
    const fetchedBy = async (device: typeof contact) => {
      const fetched = await call(device.socket, 'conversations.fetch', {
        conversation: id,
        after: 0,
      });
      if (!fetched.ok) throw new Error(`conversations.fetch failed: ${fetched.error.code}`);
      return fetched.data.messages.map((message) => [message.seq, message.body]);
    };
    expect(await fetchedBy(volunteer)).toEqual([[1, bodies.toVolunteer]]);
    expect(await fetchedBy(contact)).toEqual([[2, bodies.toContact]]);
    expect(
      await call(volunteer.socket, 'conversations.ack', { conversation: id, seq: 1 }),
    ).toMatchObject({ ok: true, data: { ackedSeq: 1 } });

    // The contact blocks the volunteer from the conversation.
    const blocked = await call(contact.socket, 'conversations.block', { conversation: id });
    expect(blocked).toMatchObject({ ok: true, data: { conversation: { id } } });
    if (!blocked.ok) return;
    expect(blocked.data.conversation.closedAt).not.toBeNull();
    for (const [who, heard] of [
      ['contact', contactHears],
      ['volunteer', volunteerHears],
    ] as const) {
      await eventually(
        () =>
          heard.some(
            (event) => event.conversation.id === id && event.conversation.closedAt !== null,
          ),
        `the ${who} hears it closed`,
      );
    }
    for (const [from, to] of [
      [contact, volunteer],
      [volunteer, contact],
    ] as const) {
      await expectRefusedUnchanged(
        server,
        () => call(from.socket, 'conversations.send', sendPayload(id, to)),
        'CONFLICT',
      );
      await expectRefusedUnchanged(
        server,
        () => call(from.socket, 'conversations.open', { peer: to.accountId }),
        'NOT_FOUND',
      );
    }

    // The request is matched again — and the blocked volunteer, the only one in its language,
    // is never proposed: not for this request, not for a new one of the same contact.
    await matchingSettled(board);
    expect((await server.store.requests.findRequest(pair.contact.requestId))?.state).toBe('open');
    expect(await queued(board.anna, pair.contact.requestId)).toBeUndefined();
    const input = requestInput({
      fields: { skills: ['legal.military-law'], languages: [pair.language] },
      sender: pair.contact.account.identity,
      recipients: [board.anna.recipient, board.boris.recipient],
    });
    const renewed = await call(pair.contact.socket, 'requests.create', wireRequest(input));
    if (!renewed.ok) throw new Error(`requests.create failed: ${renewed.error.code}`);
    await matchingSettled(board);
    expect(await queued(board.anna, renewed.data.request.id)).toBeUndefined();
    // The volunteer is still proposed to others: what keeps the two apart is the bar alone.
    const stranger = await contactWithRequest(board, {
      skills: ['legal.military-law'],
      languages: [pair.language],
    });
    expect((await queued(board.anna, stranger.requestId))?.proposal.volunteerId).toBe(
      volunteer.accountId,
    );
  });
});
