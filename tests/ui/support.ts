// Helpers for the web client's flow tests: contacts and volunteers on the client core trusting
// the board's root (the moderator directory then verifies), and anna approving a proposal the
// way a moderator's client does — details re-wrapped for the volunteer, an approve statement
// signed over them (tests/support/matching.ts).
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { toBase64Url } from '@kolokol/shared';
import { addEnvelopeRecipient, requestDetailsContext } from '@kolokol/shared/crypto';
import { KolokolClient, MemoryStorage } from '@kolokol/client/core';
import { revoking, staff } from '../support/audit.js';
import { call } from '../support/client.js';
import { bytes, pendingEntry, type Board } from '../support/matching.js';
import { DEPLOYMENT, PASSPHRASE, newHandle } from '../client/support.js';

const published = new WeakSet<Board>();

/** The organisation's revocation statement, published once per board: the directory verifies. */
export async function publishRevocations(board: Board): Promise<void> {
  if (published.has(board)) return;
  const admin = await staff(board.server, board.org, 'admin');
  const answer = await call(admin.socket, 'revocations.publish', {
    revocationList: revoking(board.org, []),
  });
  expect(answer).toMatchObject({ ok: true });
  published.add(board);
}

/** A contact or volunteer registered through the core, trusting the board's root key. */
export async function joined(board: Board, role: 'contact' | 'volunteer'): Promise<KolokolClient> {
  await publishRevocations(board);
  const { client } = await KolokolClient.register(
    {
      url: board.server.url,
      deployment: DEPLOYMENT,
      storage: new MemoryStorage(),
      trust: {
        deployment: DEPLOYMENT,
        rootPublicKey: board.org.root.publicKey,
        minRevocationIssuedAt: 0,
      },
    },
    { handle: newHandle(role), passphrase: PASSPHRASE, role },
  );
  return client;
}

/** Anna vets the volunteer at the standard tier. */
export async function vet(board: Board, volunteerId: string): Promise<void> {
  const answer = await call(board.anna.socket, 'volunteers.vet', {
    statement: board.anna.statement({ kind: 'vet', subject: volunteerId, tier: 'standard' }),
  });
  expect(answer).toMatchObject({ ok: true });
}

/** Whom a moderator adds to the details: the volunteer's account and the signing key it trusts. */
export interface Approvee {
  readonly accountId: string;
  readonly signingKey: Uint8Array;
}

/** Anna approves the request's pending proposal to `volunteer`, re-wrapping its details for them. */
export async function approve(board: Board, requestId: string, volunteer: Approvee) {
  const entry = await pendingEntry(board.anna, requestId);
  expect(entry.proposal.volunteerId).toBe(volunteer.accountId);
  const fetched = await call(board.anna.socket, 'envelope_prekeys.fetch', {
    accountId: volunteer.accountId,
  });
  if (!fetched.ok) throw new Error(fetched.error.code);
  const prekey = fetched.data.prekey;
  const details = addEnvelopeRecipient(
    bytes(entry.request.details),
    { identity: board.anna.account.identity, keys: board.anna.envelopePrekeys.openingKeys() },
    {
      signingKey: volunteer.signingKey,
      prekey: { ...prekey, publicKey: bytes(prekey.publicKey), signature: bytes(prekey.signature) },
    },
    { now: Date.now(), context: requestDetailsContext(entry.request) },
  );
  const answer = await call(board.anna.socket, 'moderation.approve', {
    details: toBase64Url(details),
    statement: board.anna.statement({
      kind: 'approve',
      subject: volunteer.accountId,
      request: entry.request.id,
      proposal: entry.proposal.id,
      envelopeDigest: new Uint8Array(createHash('sha256').update(details).digest()),
    }),
  });
  expect(answer).toMatchObject({ ok: true });
}
