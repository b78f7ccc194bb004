// The request lifecycle through the real server's one transition function (what moderation will
// drive): every legal transition applies, drops the details exactly when the request ends and is
// pushed to the contact; every illegal one — from every state — is CONFLICT and changes nothing,
// as is a legal one from a state the request has already left (compare-and-swap). Expiry and the
// retention of ended requests run in housekeeping, shown with the server's clock moved forward.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REQUEST_STATES,
  REQUEST_TRANSITIONS,
  isEndState,
  isLegalTransition,
  type RequestState,
} from '@kolokol/shared';
import type { Clock } from '../../server/src/domain/clock.js';
import { AppError } from '../../server/src/errors.js';
import { expectUnchanged } from '../support/assertions.js';
import { call, closeAllSockets, connectWithToken, registerAndLogin } from '../support/client.js';
import { pushes, requestInput, wireRequest } from '../support/requests.js';
import { startTestServer, type TestServer } from '../support/server.js';

const HOUR = 3600 * 1000;
const EXPIRY_HOURS = 48;
const RETENTION_HOURS = 24;
let offset = 0;
const clock: Clock = { now: () => Date.now() + offset };
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(
    {
      KOLOKOL_REQUEST_EXPIRY_HOURS: String(EXPIRY_HOURS),
      KOLOKOL_ENDED_REQUEST_RETENTION_HOURS: String(RETENTION_HOURS),
      // Sessions outlive the days the clock is moved forward by.
      KOLOKOL_SESSION_TTL_SECONDS: String(30 * 24 * 3600),
    },
    { clock },
  );
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

const service = () => server.server.services.requestLifecycle;

/** How to reach each state from 'open' along legal transitions. */
const PATH: Readonly<Record<RequestState, readonly RequestState[]>> = {
  open: [],
  proposed: ['proposed'],
  approved: ['proposed', 'approved'],
  active: ['proposed', 'approved', 'active'],
  resolved: ['proposed', 'approved', 'active', 'resolved'],
  closed: ['proposed', 'approved', 'active', 'closed'],
  cancelled: ['cancelled'],
  expired: ['expired'],
};

/** A new contact with one request driven to `state`, and the contact's pushes. */
async function requestIn(state: RequestState) {
  const registered = await registerAndLogin(server.url, 'contact');
  const socket = await connectWithToken(server.url, registered.token);
  const heard = pushes(socket);
  const ack = await call(socket, 'requests.create', wireRequest(requestInput()));
  if (!ack.ok) throw new Error(ack.error.code);
  const id = ack.data.request.id;
  for (const step of PATH[state]) await service().transition(id, step);
  expect((await server.store.requests.findRequest(id))?.state).toBe(state);
  // Each step was pushed: wait for the last one, so later pushes are told apart.
  if (state !== 'open') await heard.next((e) => e.state === state);
  expect(heard.events.map((e) => e.state)).toEqual(PATH[state]);
  return { id, socket, heard };
}

async function codeOf(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
    return 'OK';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe('illegal transitions', () => {
  it.each(REQUEST_STATES)(
    'from %s: every state the table does not allow is CONFLICT and changes nothing',
    async (from) => {
      const { id } = await requestIn(from);
      const illegal = REQUEST_STATES.filter((to) => !isLegalTransition(from, to));
      expect(illegal.length).toBeGreaterThan(0);
      for (const to of illegal) {
        // Asked with the state the caller saw, and without (the table decides from the stored one).
        const named = await expectUnchanged(server, () =>
          codeOf(() => service().transition(id, to, { from })),
        );
        expect(named, `${from} → ${to}`).toBe('CONFLICT');
        const unnamed = await expectUnchanged(server, () =>
          codeOf(() => service().transition(id, to)),
        );
        expect(unnamed, `${from} → ${to}`).toBe('CONFLICT');
      }
    },
  );

  it('a legal transition from a state the request has left is CONFLICT (compare-and-swap)', async () => {
    const { id } = await requestIn('open');
    expect(
      await expectUnchanged(server, () =>
        codeOf(() => service().transition(id, 'approved', { from: 'proposed' })),
      ),
    ).toBe('CONFLICT');
    // Two moderators approving the same proposal at once: one wins.
    await service().transition(id, 'proposed');
    const codes = await Promise.all([
      codeOf(() => service().transition(id, 'approved', { from: 'proposed' })),
      codeOf(() => service().transition(id, 'approved', { from: 'proposed' })),
    ]);
    expect(codes.sort()).toEqual(['CONFLICT', 'OK']);
  });

  it('an unknown request is NOT_FOUND, and so is another owner’s when the owner is named', async () => {
    const { id } = await requestIn('open');
    expect(await codeOf(() => service().transition('AAAAAAAAAAAAAAAAAAAAAA', 'cancelled'))).toBe(
      'NOT_FOUND',
    );
    expect(
      await expectUnchanged(server, () =>
        codeOf(() => service().transition(id, 'cancelled', { ownerId: 'BBBBBBBBBBBBBBBBBBBBBB' })),
      ),
    ).toBe('NOT_FOUND');
  });
});

describe('legal transitions', () => {
  const legal = REQUEST_STATES.flatMap((from) =>
    REQUEST_TRANSITIONS[from].map((to) => [from, to] as const),
  );

  it.each(legal)(
    '%s → %s applies, keeps the details unless it ends, and is pushed to the contact',
    async (from, to) => {
      const { id, heard } = await requestIn(from);
      const changed = await service().transition(id, to, { from });
      expect(changed).toMatchObject({ id, state: to });
      expect((await server.store.requests.findRequest(id))?.state).toBe(to);
      const details = await server.store.requests.findRequestDetails(id);
      expect(details === undefined).toBe(isEndState(to));
      // No earlier step of the path went through `to`, so this push is the transition's.
      expect(PATH[from]).not.toContain(to);
      const pushed = await heard.next((e) => e.state === to);
      expect(pushed).toEqual({ id, state: to, updatedAt: changed.updatedAt });
      expect(heard.events).toHaveLength(PATH[from].length + 1);
    },
  );
});

describe('expiry and retention (housekeeping)', () => {
  it('expires open and proposed requests past the age, tells the contact, drops the details; then deletes them after the retention', async () => {
    const old = await requestIn('open');
    const oldProposed = await requestIn('proposed');
    const taken = await requestIn('approved');
    offset += (EXPIRY_HOURS - 1) * HOUR;
    const young = await requestIn('open');
    try {
      offset += 2 * HOUR; // the first three are now past the expiry age; `young` is 2 hours old
      const result = await service().housekeep();
      expect(result.expired).toBeGreaterThanOrEqual(2);
      for (const { id, heard } of [old, oldProposed]) {
        expect((await server.store.requests.findRequest(id))?.state).toBe('expired');
        expect(await server.store.requests.findRequestDetails(id)).toBeUndefined();
        expect(await heard.next((e) => e.state === 'expired')).toMatchObject({ id });
      }
      expect((await server.store.requests.findRequest(taken.id))?.state).toBe('approved');
      expect((await server.store.requests.findRequest(young.id))?.state).toBe('open');
      const listed = await call(old.socket, 'requests.list', {});
      expect(listed.ok && listed.data.requests.map((r) => r.state)).toEqual(['expired']);

      // Within the retention the ended request stays listed; past it, it is gone.
      offset += (RETENTION_HOURS - 1) * HOUR;
      await service().housekeep();
      expect(await server.store.requests.findRequest(old.id)).toBeDefined();
      offset += 2 * HOUR;
      expect((await service().housekeep()).purged).toBeGreaterThanOrEqual(2);
      expect(await server.store.requests.findRequest(old.id)).toBeUndefined();
      expect(await server.store.requests.findRequest(oldProposed.id)).toBeUndefined();
      expect(await call(old.socket, 'requests.list', {})).toEqual({
        ok: true,
        data: { requests: [] },
      });
      // Live requests are never purged, however old.
      expect((await server.store.requests.findRequest(taken.id))?.state).toBe('approved');
    } finally {
      offset = 0;
    }
  });
});
