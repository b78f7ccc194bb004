// The store contract: one vitest suite every store adapter (sqlite now, mongo later) must pass.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../server/src/store/ports.js';
import { accountsContract } from './contract/accounts.js';
import { auditContract } from './contract/audit.js';
import { certificatesContract } from './contract/certificates.js';
import { challengesContract } from './contract/challenges.js';
import { conversationsContract } from './contract/conversations.js';
import { devicesContract } from './contract/devices.js';
import { enrolmentsContract } from './contract/enrolments.js';
import { envelopePrekeysContract } from './contract/envelope-prekeys.js';
import { metaContract } from './contract/meta.js';
import { offersContract } from './contract/offers.js';
import { prekeysContract } from './contract/prekeys.js';
import { proposalsContract } from './contract/proposals.js';
import { reportsContract } from './contract/reports.js';
import { requestsContract } from './contract/requests.js';
import { sessionsContract } from './contract/sessions.js';

/**
 * Declares the contract tests for one adapter. `open` must return a fresh, empty store each
 * time it is called: every test opens its own and closes it afterwards, so tests never see
 * each other's data.
 */
export function storeContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store | undefined;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store?.close();
      store = undefined;
    });

    const current = (): Store => {
      if (store === undefined) {
        throw new Error('store contract: no open store');
      }
      return store;
    };

    it('ping resolves on an open store', async () => {
      await expect(current().ping()).resolves.toBeUndefined();
    });

    accountsContract(current);
    enrolmentsContract(current);
    sessionsContract(current);
    challengesContract(current);
    metaContract(current);
    devicesContract(current);
    prekeysContract(current);
    certificatesContract(current);
    envelopePrekeysContract(current);
    auditContract(current);
    offersContract(current);
    requestsContract(current);
    conversationsContract(current);
    proposalsContract(current);
    reportsContract(current);
  });
}
