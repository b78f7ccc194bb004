// Contract for RequestStore: a create is idempotent per (owner, clientId) and bounded by the
// owner's live requests, both decided in the write; a transition applies only from the states
// given (and to the owner given), drops the details when asked, and changes nothing otherwise;
// expiry and purge touch exactly the rows they name.
import { describe, expect, it } from 'vitest';
import type { RequestState } from '@kolokol/shared';
import type { NewRequest } from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import { bytes, createAccount, expectPlainBytes, unique } from './fixtures.js';

const LIVE: readonly RequestState[] = ['open', 'proposed', 'approved', 'active'];

function newRequest(ownerId: string, overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    id: unique('request'),
    ownerId,
    clientId: unique('client'),
    skills: ['legal.military-law', 'safety.digital'],
    urgency: 'high',
    languages: ['ru', 'uk'],
    region: 'ru.volga',
    details: bytes(2_000, 7),
    createdAt: 1_000,
    ...overrides,
  };
}

export function requestsContract(store: CurrentStore): void {
  describe('requests', () => {
    const create = async (request: NewRequest, maxLive = 10) => {
      const result = await store().requests.createRequest(request, { maxLive, liveStates: LIVE });
      if (result.kind !== 'created') throw new Error(`request not created (${result.kind})`);
      return result.request;
    };

    it('creates an open request and reads it and its details back', async () => {
      const owner = await createAccount(store());
      const input = newRequest(owner.id);
      const created = await create(input);
      const { details, ...fields } = input;
      expect(created).toStrictEqual({ ...fields, state: 'open', updatedAt: 1_000 });
      expect(await store().requests.findRequest(input.id)).toStrictEqual(created);
      const stored = await store().requests.findRequestDetails(input.id);
      expect(stored).toStrictEqual(details);
      expectPlainBytes(stored!);
      expect(await store().requests.findRequest('no-such-request')).toBeUndefined();
      expect(await store().requests.findRequestDetails('no-such-request')).toBeUndefined();
    });

    it('answers a clientId used before with that request, whatever else is sent', async () => {
      const owner = await createAccount(store());
      const first = newRequest(owner.id);
      const created = await create(first);
      const again = await store().requests.createRequest(
        newRequest(owner.id, { clientId: first.clientId, urgency: 'low' }),
        { maxLive: 1, liveStates: LIVE },
      );
      expect(again).toStrictEqual({ kind: 'duplicate', request: created, details: first.details });
      // Another owner may use the same clientId.
      const other = await createAccount(store());
      await create(newRequest(other.id, { clientId: first.clientId }));
    });

    it('refuses a create past the owner’s live requests, counting only live states', async () => {
      const owner = await createAccount(store());
      const a = await create(newRequest(owner.id), 2);
      await create(newRequest(owner.id), 2);
      const refused = newRequest(owner.id);
      expect(
        await store().requests.createRequest(refused, { maxLive: 2, liveStates: LIVE }),
      ).toStrictEqual({ kind: 'limit' });
      expect(await store().requests.findRequest(refused.id)).toBeUndefined();
      // Someone else's requests do not count; an ended one frees its place.
      await create(newRequest((await createAccount(store())).id), 2);
      await store().requests.transitionRequest(a.id, {
        from: ['open'],
        to: 'cancelled',
        at: 2_000,
        dropDetails: true,
      });
      await create(newRequest(owner.id), 2);
    });

    it('lists the owner’s requests newest first, at most the limit', async () => {
      const owner = await createAccount(store());
      const times = [1_000, 3_000, 2_000];
      const ids: string[] = [];
      for (const createdAt of times)
        ids.push((await create(newRequest(owner.id, { createdAt }))).id);
      await create(newRequest((await createAccount(store())).id));
      const listed = await store().requests.listRequestsOf(owner.id, 10);
      expect(listed.map((r) => r.id)).toStrictEqual([ids[1], ids[2], ids[0]]);
      expect((await store().requests.listRequestsOf(owner.id, 2)).map((r) => r.id)).toStrictEqual([
        ids[1],
        ids[2],
      ]);
    });

    it('moves a request only from the states given, and only the owner’s when named', async () => {
      const owner = await createAccount(store());
      const request = await create(newRequest(owner.id));
      const change = { to: 'proposed', at: 2_000, dropDetails: false } as const;
      // Not in a `from` state, or another owner named: nothing changes.
      expect(
        await store().requests.transitionRequest(request.id, { ...change, from: ['approved'] }),
      ).toBeUndefined();
      expect(
        await store().requests.transitionRequest(request.id, {
          ...change,
          from: ['open'],
          ownerId: (await createAccount(store())).id,
        }),
      ).toBeUndefined();
      expect(
        await store().requests.transitionRequest('no-such-request', { ...change, from: ['open'] }),
      ).toBeUndefined();
      expect(await store().requests.findRequest(request.id)).toStrictEqual(request);

      const moved = await store().requests.transitionRequest(request.id, {
        ...change,
        from: ['open'],
        ownerId: owner.id,
      });
      expect(moved).toStrictEqual({ ...request, state: 'proposed', updatedAt: 2_000 });
      expect(await store().requests.findRequestDetails(request.id)).toBeDefined();
      // The same change again finds the request in another state: compare-and-swap.
      expect(
        await store().requests.transitionRequest(request.id, { ...change, from: ['open'] }),
      ).toBeUndefined();
    });

    it('drops the details with a change that ends the request', async () => {
      const owner = await createAccount(store());
      const request = await create(newRequest(owner.id));
      const ended = await store().requests.transitionRequest(request.id, {
        from: ['open'],
        to: 'cancelled',
        at: 2_000,
        dropDetails: true,
      });
      expect(ended?.state).toBe('cancelled');
      expect(await store().requests.findRequestDetails(request.id)).toBeUndefined();
    });

    it('expires requests in the given states created at or before the cut-off, oldest first', async () => {
      const owner = await createAccount(store());
      const old = await create(newRequest(owner.id, { createdAt: 1_000 }));
      const older = await create(newRequest(owner.id, { createdAt: 500 }));
      const recent = await create(newRequest(owner.id, { createdAt: 5_000 }));
      const taken = await create(newRequest(owner.id, { createdAt: 100 }));
      await store().requests.transitionRequest(taken.id, {
        from: ['open'],
        to: 'proposed',
        at: 200,
        dropDetails: false,
      });
      await store().requests.transitionRequest(taken.id, {
        from: ['proposed'],
        to: 'approved',
        at: 300,
        dropDetails: false,
      });
      const first = await store().requests.expireRequests({
        from: ['open', 'proposed'],
        createdBefore: 1_000,
        at: 9_000,
        limit: 1,
      });
      expect(first).toStrictEqual([{ ...older, state: 'expired', updatedAt: 9_000 }]);
      const rest = await store().requests.expireRequests({
        from: ['open', 'proposed'],
        createdBefore: 1_000,
        at: 9_000,
        limit: 10,
      });
      expect(rest).toStrictEqual([{ ...old, state: 'expired', updatedAt: 9_000 }]);
      expect(await store().requests.findRequestDetails(old.id)).toBeUndefined();
      expect(await store().requests.findRequest(recent.id)).toStrictEqual(recent);
      expect((await store().requests.findRequest(taken.id))?.state).toBe('approved');
    });

    it('purges requests in the given states whose state changed at or before the cut-off', async () => {
      const owner = await createAccount(store());
      const early = await create(newRequest(owner.id));
      const late = await create(newRequest(owner.id));
      const live = await create(newRequest(owner.id));
      for (const [request, at] of [
        [early, 2_000],
        [late, 4_000],
      ] as const) {
        await store().requests.transitionRequest(request.id, {
          from: ['open'],
          to: 'cancelled',
          at,
          dropDetails: true,
        });
      }
      expect(await store().requests.purgeRequests(['cancelled'], 3_000)).toBe(1);
      expect(await store().requests.findRequest(early.id)).toBeUndefined();
      expect((await store().requests.findRequest(late.id))?.state).toBe('cancelled');
      expect(await store().requests.findRequest(live.id)).toStrictEqual(live);
      expect(await store().requests.purgeRequests(['cancelled'], 3_000)).toBe(0);
    });
  });
}
