// The matching story through the client core, with certified moderators (tests/support/matching)
// on the other side: a volunteer's offer with a note and a contact's request, both sealed on the
// device to the moderator directory the core verified against the pinned root key; a moderator
// approves, re-wrapping the details for the volunteer; the volunteer's core opens them, accepts,
// and the two talk in a conversation — the channel an accepted match opens.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '@kolokol/shared';
import {
  CryptoError,
  addEnvelopeRecipient,
  openEnvelope,
  offerNoteContext,
  requestDetailsContext,
  type TrustConfiguration,
} from '@kolokol/shared/crypto';
import { KolokolClient, KolokolError, MemoryStorage } from '@kolokol/client/core';
import { revoking, staff } from '../support/audit.js';
import { call } from '../support/client.js';
import {
  MILITARY_LAW,
  freshLanguage,
  matchingSettled,
  onModerationBoard,
  pendingEntry,
  type Board,
} from '../support/matching.js';
import { offerInput } from '../support/requests.js';
import { DEPLOYMENT, PASSPHRASE, eventually, newHandle, receivedTexts } from './support.js';

let board: Board;
onModerationBoard((started) => (board = started));

function bytes(text: string): Uint8Array {
  const decoded = fromBase64Url(text);
  if (decoded === undefined) throw new Error('not base64url');
  return decoded;
}

describe('requests, offers and matches through the client core', () => {
  it('runs from request and offer to an accepted match and a conversation', async () => {
    // The organisation's revocation statement, published by an admin: the directory verifies.
    const admin = await staff(board.server, board.org, 'admin');
    expect(
      await call(admin.socket, 'revocations.publish', { revocationList: revoking(board.org, []) }),
    ).toMatchObject({ ok: true });
    const trust: TrustConfiguration = {
      deployment: DEPLOYMENT,
      rootPublicKey: board.org.root.publicKey,
      minRevocationIssuedAt: 0,
    };
    const join = async (role: 'contact' | 'volunteer') =>
      (
        await KolokolClient.register(
          { url: board.server.url, deployment: DEPLOYMENT, storage: new MemoryStorage(), trust },
          { handle: newHandle(role), passphrase: PASSPHRASE, role },
        )
      ).client;
    const contact = await join('contact');
    const volunteer = await join('volunteer');
    try {
      // The volunteer's offer, its note sealed to the moderators; vetted by anna.
      const language = freshLanguage();
      const { note: _unsealed, ...offer } = offerInput({
        skills: MILITARY_LAW,
        languages: [language],
      });
      await volunteer.offers.put({ ...offer, note: 'Адвокат, 10 лет практики' });
      const stored = (await volunteer.offers.get()).offer;
      expect(stored?.languages).toEqual([language]);
      const note = openEnvelope(stored!.note!, board.anna.envelopePrekeys.openingKeys(), {
        context: offerNoteContext(volunteer.accountId),
        expectedSenderSigningKey: volunteer.identity.signingKey,
      });
      expect(new TextDecoder().decode(note.plaintext)).toBe('Адвокат, 10 лет практики');
      const vetted = await call(board.anna.socket, 'volunteers.vet', {
        statement: board.anna.statement({
          kind: 'vet',
          subject: volunteer.accountId,
          tier: 'standard',
        }),
      });
      expect(vetted).toMatchObject({ ok: true });

      // The contact's request: details sealed to the verified directory under its fields.
      const details = 'Повестка пришла вчера, явиться в пятницу. Что делать?';
      const created = await contact.requests.create({
        skills: ['legal.military-law'],
        urgency: 'high',
        languages: [language],
        region: 'ru.volga',
        details,
      });
      expect(created.request.state).toBe('open');
      expect((await contact.requests.list()).requests.map((r) => r.id)).toEqual([
        created.request.id,
      ]);
      await matchingSettled(board);

      // Anna approves: she opens the details and adds the volunteer (the key the core published).
      const entry = await pendingEntry(board.anna, created.request.id);
      expect(entry.proposal.volunteerId).toBe(volunteer.accountId);
      const fetched = await call(board.anna.socket, 'envelope_prekeys.fetch', {
        accountId: volunteer.accountId,
      });
      if (!fetched.ok) throw new Error(fetched.error.code);
      const prekey = fetched.data.prekey;
      const context = requestDetailsContext(entry.request);
      const shared = addEnvelopeRecipient(
        bytes(entry.request.details),
        { identity: board.anna.account.identity, keys: board.anna.envelopePrekeys.openingKeys() },
        {
          signingKey: volunteer.identity.signingKey,
          prekey: {
            ...prekey,
            publicKey: bytes(prekey.publicKey),
            signature: bytes(prekey.signature),
          },
        },
        { now: Date.now(), context },
      );
      const approved = await call(board.anna.socket, 'moderation.approve', {
        details: toBase64Url(shared),
        statement: board.anna.statement({
          kind: 'approve',
          subject: volunteer.accountId,
          request: entry.request.id,
          proposal: entry.proposal.id,
          envelopeDigest: new Uint8Array(createHash('sha256').update(shared).digest()),
        }),
      });
      expect(approved).toMatchObject({ ok: true });

      // The volunteer's core opens the details, sees who added them, and accepts.
      const [view] = await volunteer.matches.list();
      expect(view?.details?.text).toBe(details);
      expect(view?.details?.addedBy).toEqual(board.anna.account.identity.signing.publicKey);
      expect(view?.details?.senderSigningKey).toEqual(contact.identity.signingKey);
      const accepted = await volunteer.matches.accept(view!.match.id);
      expect(accepted.match.state).toBe('accepted');

      // An accepted match is a channel: the two talk, end to end.
      const toContact = receivedTexts(contact);
      const toVolunteer = receivedTexts(volunteer);
      const conversation = await volunteer.conversations.open(view!.match.counterpartId);
      await volunteer.conversations.send(conversation.id, 'Здравствуйте, я юрист.');
      await eventually(() => toContact.length === 1);
      await contact.conversations.send(conversation.id, 'Спасибо!');
      await eventually(() => toVolunteer.length === 1);
      expect([toContact, toVolunteer]).toEqual([['Здравствуйте, я юрист.'], ['Спасибо!']]);
    } finally {
      contact.close();
      volunteer.close();
    }
  });

  it('refuses to seal to moderators without a trust configuration, or to a forged directory', async () => {
    const { client } = await KolokolClient.register(
      { url: board.server.url, deployment: DEPLOYMENT, storage: new MemoryStorage() },
      { handle: newHandle('contact'), passphrase: PASSPHRASE, role: 'contact' },
    );
    const { client: misled } = await KolokolClient.register(
      {
        url: board.server.url,
        deployment: DEPLOYMENT,
        storage: new MemoryStorage(),
        // Another organisation's root: this server's directory does not verify against it.
        trust: {
          deployment: DEPLOYMENT,
          rootPublicKey: new Uint8Array(32).fill(7),
          minRevocationIssuedAt: 0,
        },
      },
      { handle: newHandle('contact'), passphrase: PASSPHRASE, role: 'contact' },
    );
    const request = {
      skills: ['legal.military-law' as const],
      urgency: 'low' as const,
      languages: ['ru'],
      region: 'ru.volga' as const,
      details: 'never sent',
    };
    try {
      await expect(client.requests.create(request)).rejects.toSatisfy(
        (error: unknown) => error instanceof KolokolError && error.code === 'BAD_REQUEST',
      );
      await expect(misled.requests.create(request)).rejects.toSatisfy(
        (error: unknown) => error instanceof CryptoError,
      );
      expect((await client.requests.list()).requests).toEqual([]);
      expect((await misled.requests.list()).requests).toEqual([]);
    } finally {
      client.close();
      misled.close();
    }
  });
});
