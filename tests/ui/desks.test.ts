// The contact's, volunteer's and chat screens' state (client/src/ui/{contact,volunteer,chat})
// over the real client core and the real server with certified moderators: an offer saved twice
// keeps its sealed note, vetting shows, a request is asked, the proposal reaches the volunteer's
// screen by push alone, accepting opens the conversation, the contact's screen learns it by push,
// the two talk through a network drop with every message shown once, the timer changes for both,
// a report is received, and closing ends the match and the conversation for both.
import { describe, expect, it } from 'vitest';
import { offerNoteContext, openEnvelope } from '@kolokol/shared/crypto';
import { ContactDesk } from '../../client/src/ui/contact/contact-desk.js';
import {
  emptyRequestDraft,
  toNewRequest,
  toggleRequestSkill,
} from '../../client/src/ui/contact/request-draft.js';
import { ChatDesk } from '../../client/src/ui/chat/chat-desk.js';
import { ChatThread } from '../../client/src/ui/chat/thread.js';
import {
  offerDraft,
  toNewOffer,
  toggleOfferRegion,
  toggleOfferSkill,
} from '../../client/src/ui/volunteer/offer-draft.js';
import { VolunteerDesk } from '../../client/src/ui/volunteer/volunteer-desk.js';
import {
  freshLanguage,
  matchingSettled,
  onModerationBoard,
  type Board,
} from '../support/matching.js';
import { eventually } from '../client/support.js';
import { approve, joined, vet } from './support.js';

let board: Board;
onModerationBoard((started) => (board = started));

describe('the contact’s, volunteer’s and chat screens’ state over the client core', () => {
  it('runs from offer and request to a conversation that survives a drop and closes', async () => {
    const contact = await joined(board, 'contact');
    const volunteer = await joined(board, 'volunteer');
    const contactDesk = new ContactDesk(contact);
    const volunteerDesk = new VolunteerDesk(volunteer);
    const contactChats = new ChatDesk(contact);
    const volunteerChats = new ChatDesk(volunteer);
    try {
      await Promise.all([contactDesk.start(), volunteerDesk.start()]);
      await Promise.all([contactChats.start(), volunteerChats.start()]);
      expect(volunteerDesk.offer.value).toBeNull();
      expect(volunteerDesk.vetting.value?.tier).toBe('none');

      // The offer with a note, then saved again without one: the sealed note stays as it was.
      const language = freshLanguage();
      const first = toNewOffer({
        ...toggleOfferRegion(
          toggleOfferSkill(offerDraft(null, 'ru', 180), 'legal.military-law'),
          'ru.volga',
        ),
        languages: [language],
        note: 'Адвокат, 10 лет практики',
      });
      if (!first.ok) throw new Error(first.problems.join());
      await volunteerDesk.saveOffer(first.offer, first.keptNote);
      const sealedNote = volunteerDesk.offer.value?.note;
      expect(sealedNote).toBeInstanceOf(Uint8Array);
      const again = toNewOffer(offerDraft(volunteerDesk.offer.value ?? null, 'ru', 0));
      if (!again.ok) throw new Error(again.problems.join());
      expect(again.keptNote).not.toBeNull();
      await volunteerDesk.saveOffer(again.offer, again.keptNote);
      expect(volunteerDesk.offer.value?.note).toEqual(sealedNote);
      const opened = openEnvelope(sealedNote!, board.anna.envelopePrekeys.openingKeys(), {
        context: offerNoteContext(volunteer.accountId),
      });
      expect(new TextDecoder().decode(opened.plaintext)).toBe('Адвокат, 10 лет практики');
      await volunteerDesk.setPaused(true);
      expect(volunteerDesk.offer.value?.paused).toBe(true);
      await volunteerDesk.setPaused(false);

      await vet(board, volunteer.accountId);
      await volunteerDesk.loadVetting();
      expect(volunteerDesk.vetting.value?.tier).toBe('standard');

      // The request, from the form's draft.
      const made = toNewRequest({
        ...toggleRequestSkill(emptyRequestDraft('ru'), 'legal.military-law'),
        languages: [language],
        region: 'ru.volga',
        details: 'Повестка пришла вчера.',
      });
      if (!made.ok) throw new Error(made.problems.join());
      const request = await contactDesk.ask(made.request);
      expect(contactDesk.requests.items.value?.map((r) => r.id)).toEqual([request.id]);
      // Open, or proposed already: the engine runs as soon as the request arrives.
      expect(['open', 'proposed']).toContain(contactDesk.requests.items.value?.[0]?.state);
      await matchingSettled(board);
      await approve(board, request.id, {
        accountId: volunteer.accountId,
        signingKey: volunteer.identity.signingKey,
      });

      // Pushes alone bring the proposal to the volunteer's screen and the state to the contact's.
      await eventually(() => volunteerDesk.proposals().length === 1);
      const [proposal] = volunteerDesk.proposals();
      expect(proposal?.details?.text).toBe('Повестка пришла вчера.');
      await eventually(() => contactDesk.requests.items.value?.[0]?.state === 'approved');
      const conversation = await volunteerDesk.accept(proposal!);
      await eventually(() => contactDesk.matchOf(request.id) !== undefined);
      expect(contactDesk.requests.items.value?.[0]?.state).toBe('active');
      expect((await contactDesk.talk(contactDesk.matchOf(request.id)!)).id).toBe(conversation.id);
      expect(contactChats.conversations.value.map((c) => c.id)).toEqual([conversation.id]);
      expect(volunteerChats.conversations.value.map((c) => c.id)).toEqual([conversation.id]);

      // Both ways, with the contact's network dropped in the middle: each message shown once.
      const contactThread = new ChatThread(contact, conversation.id);
      const volunteerThread = new ChatThread(volunteer, conversation.id);
      await Promise.all([contactThread.load(), volunteerThread.load()]);
      await volunteerThread.send('Здравствуйте, я юрист.');
      await eventually(() => contactThread.messages.value.length === 1);
      contact.connection.simulateNetworkDrop();
      await contactThread.send('Спасибо! Что мне делать?');
      await volunteerThread.send('Не ходите пока.');
      await contact.connection.state.when((state) => state === 'connected');
      await eventually(
        () =>
          contactThread.messages.value.length === 3 &&
          contactThread.messages.value.every((m) => m.state !== 'queued') &&
          volunteerThread.messages.value.length === 3,
      );
      const view = (thread: ChatThread) => thread.messages.value.map((m) => [m.from, m.text]);
      expect(view(volunteerThread)).toEqual(
        view(contactThread).map(([from, text]) => [from === 'me' ? 'peer' : 'me', text]),
      );
      expect(new Set(view(contactThread).map(([, text]) => text)).size).toBe(3);
      // A reload shows the same thread.
      const reloaded = new ChatThread(contact, conversation.id);
      await reloaded.load();
      expect(view(reloaded)).toEqual(view(contactThread));
      reloaded.stop();

      // The timer, set by one, reaches the other.
      await contactChats.setTimer(conversation.id, 3600);
      await eventually(() => volunteer.conversations.get(conversation.id)?.ttlSeconds === 3600);

      await contactChats.report(conversation.id, 'other', 'проверка жалобы');

      // Closing with the match live ends the match: both sides see the conversation closed.
      await contactChats.close(conversation.id, 'resolved');
      await eventually(
        () =>
          contact.conversations.get(conversation.id)?.closedAt !== null &&
          volunteer.conversations.get(conversation.id)?.closedAt !== null,
      );
      await eventually(() => contactDesk.requests.items.value?.[0]?.state === 'resolved');
      expect(contactChats.conversations.value[0]?.closedAt).not.toBeNull();
      contactThread.stop();
      volunteerThread.stop();
    } finally {
      for (const desk of [contactDesk, volunteerDesk, contactChats, volunteerChats]) desk.stop();
      contact.close();
      volunteer.close();
    }
  });
});

describe('blocking from the chat', () => {
  it('blocks the other side of a match: the conversation closes, the request is matched again without them', async () => {
    const contact = await joined(board, 'contact');
    const volunteer = await joined(board, 'volunteer');
    const contactDesk = new ContactDesk(contact);
    const volunteerDesk = new VolunteerDesk(volunteer);
    const chats = new ChatDesk(volunteer);
    try {
      const language = freshLanguage();
      const offer = toNewOffer({
        ...toggleOfferRegion(
          toggleOfferSkill(offerDraft(null, 'en', 0), 'care.psychological'),
          'abroad.europe',
        ),
        languages: [language],
      });
      if (!offer.ok) throw new Error(offer.problems.join());
      await volunteerDesk.saveOffer(offer.offer, offer.keptNote);
      await vet(board, volunteer.accountId);
      const made = toNewRequest({
        ...toggleRequestSkill(emptyRequestDraft('en'), 'care.psychological'),
        languages: [language],
        region: 'abroad.europe',
      });
      if (!made.ok) throw new Error(made.problems.join());
      const request = await contactDesk.ask(made.request);
      await matchingSettled(board);
      await approve(board, request.id, {
        accountId: volunteer.accountId,
        signingKey: volunteer.identity.signingKey,
      });
      await volunteerDesk.start();
      const [proposal] = volunteerDesk.proposals();
      const conversation = await volunteerDesk.accept(proposal!);
      await chats.start();
      expect(await chats.hasMatchWith(conversation.peer)).toBe(true);

      await chats.block(conversation.id);
      expect(volunteer.conversations.get(conversation.id)?.closedAt).not.toBeNull();
      await eventually(async () => (await contact.requests.list()).requests[0]?.state === 'open');
      // The blocked pair is not proposed again.
      await matchingSettled(board);
      await volunteerDesk.matches.refresh();
      expect(volunteerDesk.proposals()).toEqual([]);
    } finally {
      for (const desk of [contactDesk, volunteerDesk, chats]) desk.stop();
      contact.close();
      volunteer.close();
    }
  });
});
