// The store contract against the MongoDB adapter, when MONGODB_URI names a replica set: every
// test gets a fresh database, dropped when it closes. Without MONGODB_URI it is skipped, and says
// so in the test names and on the console (no MongoDB server can be installed on these machines).
import { describe } from 'vitest';
import { storeContract } from './contract.js';
import {
  MONGODB_SKIP_REASON,
  TEST_MONGODB_URI,
  openFreshMongoStore,
} from '../support/mongo-store.js';

const uri = TEST_MONGODB_URI;
if (uri === undefined) {
  console.warn(`store contract against MongoDB: ${MONGODB_SKIP_REASON}`);
}

describe.skipIf(uri === undefined)(
  `MongoDB adapter${uri === undefined ? ` (${MONGODB_SKIP_REASON})` : ''}`,
  () => {
    storeContract('mongodb', () => {
      if (uri === undefined) throw new Error('unreachable: skipped without MONGODB_URI');
      return openFreshMongoStore(uri, 'contract');
    });
  },
);
