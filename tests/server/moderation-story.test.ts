// The whole moderation story through the real server with real crypto: a contact's request for a
// critical skill, its details sealed to the certified moderators; a volunteer vetted high; the
// engine's proposal in the queue; one moderator's approval (logged, still pending), the same
// moderator again refused, a second moderator's approval with the details re-wrapped for the
// volunteer; the volunteer opens them (addedBy: that moderator) and accepts; both sides are told;
// a channel contact↔volunteer, refused until then, opens — and closes again when the match ends;
// the audit log verifies afterwards.
import { describe, expect, it } from 'vitest';
import { equalBytes, openEnvelope, requestDetailsContext } from '@kolokol/shared/crypto';
import { verifyAuditLog } from '../../server/src/domain/audit/verify-log.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { openAndSend } from '../support/conversations.js';
import { auditLength } from '../support/audit.js';
import { call, type ClientSocket } from '../support/client.js';
import { addDevice, fetchBundles, publishPrekeys } from '../support/keys.js';
import { pushes } from '../support/requests.js';
import {
  approvalBy,
  bytes,
  contactWithRequest,
  matchingSettled,
  onModerationBoard,
  queued,
  vettedVolunteer,
  type Board,
} from '../support/matching.js';

let board: Board;

onModerationBoard((started) => (board = started));

/** Every push of `event` to `socket` from now on. */
function collect<T>(socket: ClientSocket, event: 'matches.changed' | 'moderation.queue_changed') {
  const seen: T[] = [];
  socket.on(event, (payload: unknown) => seen.push(payload as T));
  return seen;
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`never happened: ${what}`);
}

describe('the moderation story', () => {
  it('request → proposal → two moderators approve → the volunteer reads and accepts → channel → end; the log verifies', async () => {
    const { server, anna, boris } = board;
    const queuePushes = collect<{ pending: number }>(anna.socket, 'moderation.queue_changed');
    const volunteer = await vettedVolunteer(
      board,
      {
        skills: [{ code: 'military.leaving-service', level: 3 }],
        languages: ['hy'],
        capacity: 2,
      },
      'high',
    );
    const volunteerPushes = collect<{ id: string; state: string }>(
      volunteer.socket,
      'matches.changed',
    );
    const contact = await contactWithRequest(board, {
      skills: ['military.leaving-service'],
      languages: ['hy'],
      urgency: 'critical',
    });
    const contactPushes = collect<{ id: string; state: string }>(contact.socket, 'matches.changed');
    const contactRequests = pushes(contact.socket);
    // Devices with prekeys, for the channel.
    const contactDevice = await addDevice(server.url, contact);
    const volunteerDevice = await addDevice(server.url, volunteer);
    await publishPrekeys(contactDevice, 5);
    await publishPrekeys(volunteerDevice, 5);

    // The engine proposed the volunteer; staff were told; the request is proposed.
    expect((await server.store.requests.findRequest(contact.requestId))?.state).toBe('proposed');
    await eventually(() => queuePushes.length > 0, 'a queue push');
    const entry = await queued(anna, contact.requestId);
    expect(entry).toMatchObject({
      proposal: {
        volunteerId: volunteer.accountId,
        state: 'pending',
        approvalsNeeded: 2,
        approvals: [],
      },
      request: { skills: ['military.leaving-service'], urgency: 'critical', state: 'proposed' },
      volunteer: {
        volunteerId: volunteer.accountId,
        tier: 'high',
        offer: { accountId: volunteer.accountId },
      },
    });
    expect(entry!.proposal.reasons.length).toBeGreaterThan(0);
    // The moderator's client opens the details the contact sealed.
    const opened = openEnvelope(bytes(entry!.request.details), anna.envelopePrekeys.openingKeys(), {
      context: requestDetailsContext(entry!.request),
      expectedSenderSigningKey: contact.account.identity.signing.publicKey,
    });
    expect(equalBytes(opened.plaintext, contact.plaintext)).toBe(true);

    // Before any approval no channel: prekeys, device list and a conversation are refused.
    await expectRefusedUnchanged(
      server,
      () => openAndSend(contactDevice, volunteerDevice),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => call(contactDevice.socket, 'prekeys.fetch', { accountId: volunteer.accountId }),
      'NOT_FOUND',
    );

    // Anna approves first: logged, the proposal stays pending with her approval.
    const first = await approvalBy(anna, entry!, volunteer);
    const logBefore = auditLength(server);
    const annaApproves = await call(anna.socket, 'moderation.approve', first);
    expect(annaApproves).toMatchObject({
      ok: true,
      data: { proposal: { state: 'pending', approvals: [{ moderatorId: anna.accountId }] } },
    });
    expect(auditLength(server)).toBe(logBefore + 1);
    expect((await queued(boris, contact.requestId))?.proposal.approvals).toEqual([
      { moderatorId: anna.accountId, seq: logBefore + 1 },
    ]);
    // Anna again — a fresh statement, a fresh re-wrap — is refused and changes nothing.
    const again = await approvalBy(anna, entry!, volunteer);
    await expectRefusedUnchanged(
      server,
      () => call(anna.socket, 'moderation.approve', again),
      'CONFLICT',
    );
    // The volunteer sees nothing yet; the request is still proposed.
    expect(await call(volunteer.socket, 'matches.list', {})).toEqual({
      ok: true,
      data: { matches: [] },
    });

    // Boris approves: the proposal and the request are approved, the volunteer is told.
    const second = await approvalBy(boris, entry!, volunteer);
    const borisApproves = await call(boris.socket, 'moderation.approve', second);
    expect(borisApproves).toMatchObject({ ok: true, data: { proposal: { state: 'approved' } } });
    expect((await server.store.requests.findRequest(contact.requestId))?.state).toBe('approved');
    const matchId = entry!.proposal.id;
    await eventually(
      () => volunteerPushes.some((p) => p.id === matchId && p.state === 'approved'),
      'approved push',
    );
    // Approved but not accepted: still no channel.
    await expectRefusedUnchanged(
      server,
      () => openAndSend(contactDevice, volunteerDevice),
      'NOT_FOUND',
    );

    // The volunteer lists the match and opens the details with their own envelope prekey.
    const listed = await call(volunteer.socket, 'matches.list', {});
    if (!listed.ok) throw new Error(listed.error.code);
    const match = listed.data.matches.find((m) => m.id === matchId);
    expect(match).toMatchObject({ state: 'approved', counterpartId: contact.accountId });
    const read = openEnvelope(bytes(match!.details!), volunteer.envelopePrekeys.openingKeys(), {
      context: requestDetailsContext(match!),
      expectedSenderSigningKey: contact.account.identity.signing.publicKey,
    });
    expect(equalBytes(read.plaintext, contact.plaintext)).toBe(true);
    expect(read.addedBy && equalBytes(read.addedBy, boris.account.identity.signing.publicKey)).toBe(
      true,
    );
    // The contact does not learn who was proposed before the volunteer accepts.
    expect(await call(contact.socket, 'matches.list', {})).toEqual({
      ok: true,
      data: { matches: [] },
    });

    // The volunteer accepts: the match is live, the request active, both sides told.
    const accepted = await call(volunteer.socket, 'matches.accept', { id: matchId });
    expect(accepted).toMatchObject({ ok: true, data: { match: { state: 'accepted' } } });
    expect((await server.store.requests.findRequest(contact.requestId))?.state).toBe('active');
    await eventually(
      () => contactPushes.some((p) => p.id === matchId && p.state === 'accepted'),
      'contact told',
    );
    await contactRequests.next((e) => e.id === contact.requestId && e.state === 'active');
    await eventually(
      () => volunteerPushes.some((p) => p.id === matchId && p.state === 'accepted'),
      'volunteer told',
    );
    const contactView = await call(contact.socket, 'matches.list', {});
    expect(contactView).toMatchObject({
      ok: true,
      data: {
        matches: [
          { id: matchId, state: 'accepted', counterpartId: volunteer.accountId, details: null },
        ],
      },
    });

    // The channel opens both ways: prekeys fetched, one conversation, an envelope each way.
    const fetched = await fetchBundles(contactDevice.socket, volunteer.accountId);
    expect(fetched.bundles).toHaveLength(1);
    expect(await openAndSend(contactDevice, volunteerDevice)).toMatchObject({ ok: true });
    expect(await openAndSend(volunteerDevice, contactDevice)).toMatchObject({ ok: true });

    // The contact ends it as resolved: the request is resolved, the channel closed again.
    const ended = await call(contact.socket, 'matches.end', { id: matchId, outcome: 'resolved' });
    expect(ended).toMatchObject({ ok: true, data: { match: { state: 'ended' } } });
    expect((await server.store.requests.findRequest(contact.requestId))?.state).toBe('resolved');
    await expectRefusedUnchanged(
      server,
      () => openAndSend(contactDevice, volunteerDevice),
      'NOT_FOUND',
    );
    await expectRefusedUnchanged(
      server,
      () => openAndSend(volunteerDevice, contactDevice),
      'NOT_FOUND',
    );

    // Every decision is in the log, and the log verifies against the root.
    await matchingSettled(board);
    const verified = await verifyAuditLog(server.store, board.org.root.publicKey);
    expect(verified).toMatchObject({ ok: true });
  });
});
