// The moderation pipeline as real clients drive it: a server with a root key and two certified
// moderators who publish envelope prekeys; volunteers who put an offer, publish an envelope
// prekey and are vetted; contacts whose request details are sealed (real crypto) to the
// moderators; the engine's proposals read from the queue; approvals whose details the moderator's
// client re-wrapped for the volunteer with addEnvelopeRecipient.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  fromBase64Url,
  toBase64Url,
  type OfferInput,
  type QueueEntry,
  type RequestsCreateInput,
  type SkillCode,
  toEnvelopePrekeyWire,
} from '@kolokol/shared';
import {
  EnvelopePrekeyStore,
  addEnvelopeRecipient,
  encodeRootPublicKey,
  requestDetailsContext,
  type EnvelopeRecipient,
} from '@kolokol/shared/crypto';
import { staff, testOrganisation, type Staff, type TestOrganisation } from './audit.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  registerAndLogin,
  type ClientSocket,
} from './client.js';
import type { LoggedIn } from './keys.js';
import { offerInput, requestInput, wireRequest } from './requests.js';
import { startTestServer, type TestServer } from './server.js';

/** A certified moderator with an envelope prekey published: can open and re-wrap request details. */
export interface Moderator extends Staff {
  readonly envelopePrekeys: EnvelopePrekeyStore;
  readonly recipient: EnvelopeRecipient;
}

export interface Board {
  readonly server: TestServer;
  readonly org: TestOrganisation;
  readonly anna: Moderator;
  readonly boris: Moderator;
}

export interface Member extends LoggedIn {
  readonly socket: ClientSocket;
}

export interface Volunteer extends Member {
  readonly envelopePrekeys: EnvelopePrekeyStore;
}

export interface Contact extends Member {
  readonly requestId: string;
  readonly fields: Omit<RequestsCreateInput, 'details'>;
  readonly plaintext: Uint8Array;
}

/** Publishes a fresh identity-signed envelope prekey for `who` on `socket`. */
export async function publishEnvelopePrekey(
  socket: ClientSocket,
  who: LoggedIn,
): Promise<EnvelopePrekeyStore> {
  const store = new EnvelopePrekeyStore();
  const prekey = store.rotate(who.account.identity, Date.now());
  const answer = await call(socket, 'envelope_prekeys.publish', {
    prekey: toEnvelopePrekeyWire(prekey),
  });
  expect(answer).toMatchObject({ ok: true });
  return store;
}

export async function moderator(server: TestServer, org: TestOrganisation): Promise<Moderator> {
  const member = await staff(server, org);
  const envelopePrekeys = await publishEnvelopePrekey(member.socket, member);
  const prekey = envelopePrekeys.current();
  if (prekey === undefined) throw new Error('no envelope prekey');
  return {
    ...member,
    envelopePrekeys,
    recipient: { signingKey: member.account.identity.signing.publicKey, prekey },
  };
}

export async function moderationBoard(env: Record<string, string> = {}): Promise<Board> {
  const org = testOrganisation();
  const server = await startTestServer({
    KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(org.root.publicKey),
    ...env,
  });
  return { server, org, anna: await moderator(server, org), boris: await moderator(server, org) };
}

/**
 * Starts a board before the test file's tests (handing it to `started`) and closes it, and every
 * socket, after them.
 */
export function onModerationBoard(
  started: (board: Board) => void,
  env: Record<string, string> = {},
): void {
  let board: Board | undefined;
  beforeAll(async () => {
    board = await moderationBoard(env);
    started(board);
  });
  afterAll(async () => {
    closeAllSockets();
    await board?.server.close();
  });
}

/** A military-law offer at the top level. */
export const MILITARY_LAW = [{ code: 'legal.military-law' as const, level: 3 as const }];

/**
 * Two vetted volunteers in a fresh language, the first more skilled (so proposed first), and a
 * contact whose military-law request in that language waits for them.
 */
export async function twoVolunteers(board: Board) {
  const language = freshLanguage();
  const best = await vettedVolunteer(board, { skills: MILITARY_LAW, languages: [language] });
  const other = await vettedVolunteer(board, {
    skills: [{ code: 'legal.military-law', level: 1 }],
    languages: [language],
  });
  const contact = await contactWithRequest(board, {
    skills: ['legal.military-law'],
    languages: [language],
  });
  return { language, best, other, contact };
}

/** Waits until matching has nothing left to do (runs asked for by the last calls finished). */
export function matchingSettled(board: Board): Promise<void> {
  return board.server.server.services.proposer.idle();
}

/**
 * A volunteer with an offer (`overrides`), an envelope prekey, vetted by anna at `tier` (boris
 * too for high).
 */
export async function vettedVolunteer(
  board: Board,
  overrides: Partial<OfferInput>,
  tier: 'standard' | 'high' | 'none' = 'standard',
): Promise<Volunteer> {
  const registered = await registerAndLogin(board.server.url, 'vol', { role: 'volunteer' });
  const socket = await connectWithToken(board.server.url, registered.token);
  const envelopePrekeys = await publishEnvelopePrekey(socket, registered);
  expect(await call(socket, 'offers.put', offerInput(overrides))).toMatchObject({ ok: true });
  const vet = (who: Staff) =>
    call(who.socket, 'volunteers.vet', {
      statement: who.statement({
        kind: 'vet',
        subject: registered.accountId,
        tier: tier === 'high' ? 'high' : 'standard',
      }),
    });
  if (tier !== 'none') expect(await vet(board.anna)).toMatchObject({ ok: true });
  if (tier === 'high') expect(await vet(board.boris)).toMatchObject({ ok: true });
  await matchingSettled(board);
  return { ...registered, socket, envelopePrekeys };
}

/** A contact with a request whose details are sealed to both moderators. */
export async function contactWithRequest(
  board: Board,
  fields: { readonly skills: SkillCode[]; readonly languages: string[] } & Partial<
    Omit<RequestsCreateInput, 'details'>
  >,
): Promise<Contact> {
  const registered = await registerAndLogin(board.server.url, 'contact');
  const socket = await connectWithToken(board.server.url, registered.token);
  const input = requestInput({
    fields,
    sender: registered.account.identity,
    recipients: [board.anna.recipient, board.boris.recipient],
  });
  const created = await call(socket, 'requests.create', wireRequest(input));
  if (!created.ok) throw new Error(`requests.create failed: ${created.error.code}`);
  await matchingSettled(board);
  const { details: _details, plaintext, ...rest } = input;
  return { ...registered, socket, requestId: created.data.request.id, fields: rest, plaintext };
}

/** The queue entry of the request's pending proposal, as `who` reads it. */
export async function queued(who: Staff, requestId: string): Promise<QueueEntry | undefined> {
  const answer = await call(who.socket, 'moderation.queue', {});
  if (!answer.ok) throw new Error(`moderation.queue failed: ${answer.error.code}`);
  return answer.data.entries.find((entry) => entry.request.id === requestId);
}

/**
 * What the moderator's client does to approve: fetch the volunteer's envelope prekey, add them
 * to the request's details (checking the signing key against the one the test trusts), and sign
 * an approve statement over the result's SHA-256.
 */
export async function approvalBy(
  who: Moderator,
  entry: QueueEntry,
  volunteer: LoggedIn,
): Promise<{ statement: string; details: string }> {
  const fetched = await call(who.socket, 'envelope_prekeys.fetch', {
    accountId: volunteer.accountId,
  });
  if (!fetched.ok) throw new Error(`envelope_prekeys.fetch failed: ${fetched.error.code}`);
  const wire = fetched.data.prekey;
  const recipient: EnvelopeRecipient = {
    signingKey: volunteer.account.identity.signing.publicKey,
    prekey: {
      id: wire.id,
      publicKey: bytes(wire.publicKey),
      createdAt: wire.createdAt,
      expiresAt: wire.expiresAt,
      signature: bytes(wire.signature),
    },
  };
  const { request } = entry;
  const details = addEnvelopeRecipient(
    bytes(request.details),
    { identity: who.account.identity, keys: who.envelopePrekeys.openingKeys() },
    recipient,
    { now: Date.now(), context: requestDetailsContext(request) },
  );
  return {
    details: toBase64Url(details),
    statement: who.statement({
      kind: 'approve',
      subject: entry.proposal.volunteerId,
      request: request.id,
      proposal: entry.proposal.id,
      envelopeDigest: new Uint8Array(createHash('sha256').update(details).digest()),
    }),
  };
}

export function bytes(text: string): Uint8Array {
  const decoded = fromBase64Url(text);
  if (decoded === undefined) throw new Error('not base64url');
  return decoded;
}

let languages = 0;
/**
 * A language code no other scenario of the test file uses: the engine matches every open request
 * against every offer, so a scenario keeps its requests and volunteers to itself by language.
 */
export function freshLanguage(): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const n = languages++;
  return `${letters[Math.floor(n / 26) % 26]}${letters[n % 26]}`;
}

/** The request's pending proposal as `who` sees it in the queue (fails the test if none). */
export async function pendingEntry(who: Staff, requestId: string): Promise<QueueEntry> {
  const entry = await queued(who, requestId);
  if (entry === undefined) throw new Error('no pending proposal for the request');
  return entry;
}

/** Anna approves the request's pending proposal (one approval: a standard skill). */
export async function approved(
  board: Board,
  contact: Pick<Contact, 'requestId'>,
  volunteer: LoggedIn,
) {
  const entry = await pendingEntry(board.anna, contact.requestId);
  expect(entry.proposal.volunteerId).toBe(volunteer.accountId);
  const answer = await call(
    board.anna.socket,
    'moderation.approve',
    await approvalBy(board.anna, entry, volunteer),
  );
  expect(answer).toMatchObject({ ok: true, data: { proposal: { state: 'approved' } } });
  return entry.proposal.id;
}

/** A volunteer and a contact in a fresh language, matched on a standard skill and approved. */
export async function approvedPair(board: Board, options: { accept?: boolean } = {}) {
  const language = freshLanguage();
  const volunteer = await vettedVolunteer(board, {
    skills: [{ code: 'legal.military-law', level: 3 }],
    languages: [language],
  });
  const contact = await contactWithRequest(board, {
    skills: ['legal.military-law'],
    languages: [language],
  });
  const matchId = await approved(board, contact, volunteer);
  if (options.accept === true) {
    expect(await call(volunteer.socket, 'matches.accept', { id: matchId })).toMatchObject({
      ok: true,
    });
  }
  return { language, volunteer, contact, matchId };
}
