// A moderator's decisions through the client core, against the real server with a certified
// organisation (tests/support/matching): the core's moderator, certified by the root, vets a
// volunteer — who is then proposed for a request — reads the queue and rejects the proposal,
// each decision an audit statement signed on the device. Anyone else is refused (FORBIDDEN), and
// nothing changes.
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '@kolokol/shared';
import { issueModeratorCertificate } from '@kolokol/shared/crypto';
import { KolokolClient, KolokolError, MemoryStorage } from '@kolokol/client/core';
import { expectUnchanged } from '../support/assertions.js';
import {
  contactWithRequest,
  freshLanguage,
  onModerationBoard,
  vettedVolunteer,
  type Board,
} from '../support/matching.js';
import { DEPLOYMENT, PASSPHRASE, newHandle, registerMember } from './support.js';

let board: Board;
onModerationBoard((started) => (board = started));

const DAY = 24 * 3600 * 1000;

/** A moderator enrolled by the operator, registered on the core, its certificate published. */
async function coreModerator(): Promise<KolokolClient> {
  const handle = newHandle('moderator');
  const { code } = await board.server.server.services.accounts.enrol(handle, 'moderator');
  const { client } = await KolokolClient.register(
    { url: board.server.url, deployment: DEPLOYMENT, storage: new MemoryStorage() },
    { handle, passphrase: PASSPHRASE, enrolmentCode: code },
  );
  const certificate = issueModeratorCertificate(board.org.root.secretKey, {
    handle,
    moderator: client.identity,
    issuedAt: Date.now() - 60_000,
    expiresAt: Date.now() + 30 * DAY,
  });
  await client.call('certificates.publish', { certificate: toBase64Url(certificate) });
  return client;
}

describe('moderation through the client core', () => {
  it('vets a volunteer, then rejects the proposal the engine made for them', async () => {
    const moderator = await coreModerator();
    try {
      const language = freshLanguage();
      const volunteer = await vettedVolunteer(
        board,
        { skills: [{ code: 'legal.military-law', level: 3 }], languages: [language] },
        'none',
      );
      await moderator.moderation.vet(volunteer.accountId, 'standard');
      const contact = await contactWithRequest(board, {
        skills: ['legal.military-law'],
        languages: [language],
      });
      const { entries } = await moderator.moderation.queue();
      const entry = entries.find((e) => e.request.id === contact.requestId);
      // Proposed only because the vetting took effect.
      expect(entry?.proposal.volunteerId).toBe(volunteer.accountId);
      // A note is sealed to the verified directory: without a pinned trust configuration this
      // core cannot, and nothing is sent.
      await expectUnchanged(board.server, () =>
        expect(moderator.moderation.reject(entry!, 'mismatch', 'nicht passend')).rejects.toSatisfy(
          (error: unknown) => error instanceof KolokolError && error.code === 'BAD_REQUEST',
        ),
      );
      const rejected = await moderator.moderation.reject(entry!, 'mismatch');
      expect(rejected.proposal.state).toBe('rejected');
    } finally {
      moderator.close();
    }
  });

  it('refuses a contact reading the queue or vetting, changing nothing', async () => {
    const { client } = await registerMember(board.server, 'contact');
    try {
      const forbidden = (error: unknown) =>
        error instanceof KolokolError && error.code === 'FORBIDDEN';
      await expectUnchanged(board.server, async () => {
        await expect(client.moderation.queue()).rejects.toSatisfy(forbidden);
        await expect(client.moderation.vet(client.accountId, 'standard')).rejects.toSatisfy(
          forbidden,
        );
      });
    } finally {
      client.close();
    }
  });
});
