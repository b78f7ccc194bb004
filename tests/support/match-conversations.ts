// A contact and a volunteer talking through a match's conversation, for the tests of how such a
// conversation ends: an accepted match, a device on each side, the conversation the contact opened
// with a message each way, and what each side heard of it since.
import { expect } from 'vitest';
import type { ConversationsChanged } from '@kolokol/shared';
import { expectRefusedUnchanged } from './assertions.js';
import { call, type ClientSocket } from './client.js';
import { sendMessage, sendPayload } from './conversations.js';
import { addDevice, type TestDevice } from './keys.js';
import { approvedPair, type Board } from './matching.js';

/** Every conversations.changed pushed to `socket` from now on. */
export function conversationChanges(socket: ClientSocket): ConversationsChanged[] {
  const seen: ConversationsChanged[] = [];
  socket.on('conversations.changed', (event) => seen.push(event));
  return seen;
}

/** Waits (at most five seconds) until `check` holds. */
export async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 250; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

/** An accepted match whose contact opened a conversation, a message sent each way through it. */
export async function talkingPair(board: Board) {
  const pair = await approvedPair(board, { accept: true });
  const contact = await addDevice(board.server.url, pair.contact);
  const volunteer = await addDevice(board.server.url, pair.volunteer);
  const opened = await call(contact.socket, 'conversations.open', {
    peer: volunteer.accountId,
  });
  if (!opened.ok) throw new Error(`conversations.open failed: ${opened.error.code}`);
  const id = opened.data.conversation.id;
  await sendMessage(contact.socket, id, volunteer);
  await sendMessage(volunteer.socket, id, contact);
  return {
    ...pair,
    contactDevice: contact,
    volunteerDevice: volunteer,
    conversation: id,
    contactHears: conversationChanges(contact.socket),
    volunteerHears: conversationChanges(volunteer.socket),
  };
}

export type TalkingPair = Awaited<ReturnType<typeof talkingPair>>;

/**
 * The pair's conversation is closed in the store, both sides were told, neither can send into it
 * (CONFLICT) nor open one again (NOT_FOUND: the channel policy refuses), each changing nothing.
 */
export async function expectClosedForGood(board: Board, pair: TalkingPair): Promise<void> {
  const { conversation, contactDevice, volunteerDevice } = pair;
  const stored = await board.server.store.conversations.findConversation(conversation);
  expect(stored?.closedAt).not.toBeNull();
  const closed = (seen: ConversationsChanged[]) => () =>
    seen.some(
      (event) => event.conversation.id === conversation && event.conversation.closedAt !== null,
    );
  await eventually(closed(pair.contactHears), 'the contact hears of the close');
  await eventually(closed(pair.volunteerHears), 'the volunteer hears of the close');
  await sendsAndReopensRefused(board, contactDevice, volunteerDevice, conversation);
}

async function sendsAndReopensRefused(
  board: Board,
  contact: TestDevice,
  volunteer: TestDevice,
  conversation: string,
): Promise<void> {
  const { server } = board;
  await expectRefusedUnchanged(
    server,
    () => call(contact.socket, 'conversations.send', sendPayload(conversation, volunteer)),
    'CONFLICT',
  );
  await expectRefusedUnchanged(
    server,
    () => call(volunteer.socket, 'conversations.send', sendPayload(conversation, contact)),
    'CONFLICT',
  );
  await expectRefusedUnchanged(
    server,
    () => call(contact.socket, 'conversations.open', { peer: volunteer.accountId }),
    'NOT_FOUND',
  );
  await expectRefusedUnchanged(
    server,
    () => call(volunteer.socket, 'conversations.open', { peer: contact.accountId }),
    'NOT_FOUND',
  );
}
