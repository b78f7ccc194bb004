// The chat's pure parts: a message shown once whatever the core reports twice, in conversation
// order; what each state says online and offline; the timer's choices and how they read.
import { describe, expect, it } from 'vitest';
import { CONVERSATION_TTL_SECONDS, CONTACT_CONVERSATION_TTL_SECONDS } from '@kolokol/shared';
import type { LocalMessage } from '@kolokol/client/core';
import { orderedConversations } from '../../client/src/ui/chat/conversation-order.js';
import { messageStatus } from '../../client/src/ui/chat/message-status.js';
import { inConversationOrder, mergeMessage } from '../../client/src/ui/chat/thread.js';
import { TIMER_CHOICES, timerLabel } from '../../client/src/ui/chat/timer.js';

const CONVERSATION = 'c'.repeat(22);

function message(id: string, seq: number | null, state: LocalMessage['state']): LocalMessage {
  return {
    id,
    conversation: CONVERSATION,
    from: state === 'received' ? 'peer' : 'me',
    seq,
    text: id,
    at: 0,
    state,
  };
}

describe('a chat thread', () => {
  it('replaces a message that changed state and never shows one twice', () => {
    let shown = mergeMessage([], message('mine', null, 'queued'));
    shown = mergeMessage(shown, message('seq:1', 1, 'received'));
    shown = mergeMessage(shown, message('mine', 2, 'sent'));
    shown = mergeMessage(shown, message('seq:1', 1, 'received')); // reported again
    expect(shown.map((m) => [m.id, m.seq, m.state])).toEqual([
      ['seq:1', 1, 'received'],
      ['mine', 2, 'sent'],
    ]);
    shown = mergeMessage(shown, message('mine', 2, 'delivered')); // the peer's device stored it
    expect(shown.map((m) => [m.id, m.state])).toEqual([
      ['seq:1', 'received'],
      ['mine', 'delivered'],
    ]);
  });

  it('orders by the server’s sequence, unsent messages last in the order written', () => {
    const ordered = inConversationOrder([
      message('a', null, 'queued'),
      message('seq:3', 3, 'received'),
      message('b', null, 'failed'),
      message('x', 1, 'sent'),
    ]);
    expect(ordered.map((m) => m.id)).toEqual(['x', 'seq:3', 'a', 'b']);
  });

  it('says a queued message waits for the network when offline, and is being sent when online', () => {
    const queued = message('q', null, 'queued');
    expect(messageStatus(queued, 'connected')).toBe('sending');
    expect(messageStatus(queued, 'reconnecting')).toBe('waiting-for-network');
    expect(messageStatus(queued, 'offline')).toBe('waiting-for-network');
    expect(messageStatus(message('s', 1, 'sent'), 'offline')).toBe('sent');
    expect(messageStatus(message('d', 1, 'delivered'), 'offline')).toBe('delivered');
    expect(messageStatus(message('u', 2, 'undecryptable'), 'connected')).toBe('unreadable');
  });

  it('lists open conversations first, newest first', () => {
    const at = (id: string, createdAt: number, closedAt: number | null) => ({
      id,
      peer: id,
      record: id,
      ttlSeconds: 3600,
      createdAt,
      closedAt,
      received: 0,
      delivered: 0,
      sent: 0,
    });
    const ordered = orderedConversations([
      at('old', 1, null),
      at('shut', 9, 10),
      at('new', 5, null),
    ]);
    expect(ordered.map((c) => c.id)).toEqual(['new', 'old', 'shut']);
  });
});

describe('the disappearing-message timer', () => {
  it('offers only timers the protocol allows, the contact’s default among them', () => {
    expect(TIMER_CHOICES[0]).toBe(CONVERSATION_TTL_SECONDS.min);
    expect(TIMER_CHOICES.at(-1)).toBe(CONVERSATION_TTL_SECONDS.max);
    expect(TIMER_CHOICES).toContain(CONTACT_CONVERSATION_TTL_SECONDS);
  });

  it('reads each timer in the largest exact unit, with the language’s plural', () => {
    expect(TIMER_CHOICES.map((seconds) => timerLabel(seconds, 'en'))).toEqual([
      '1 hour',
      '8 hours',
      '1 day',
      '3 days',
      '1 week',
      '2 weeks',
      '4 weeks',
    ]);
    expect(TIMER_CHOICES.map((seconds) => timerLabel(seconds, 'ru'))).toEqual([
      '1 час',
      '8 часов',
      '1 день',
      '3 дня',
      '1 неделя',
      '2 недели',
      '4 недели',
    ]);
    expect(timerLabel(36 * 3600, 'en')).toBe('36 hours');
  });
});
