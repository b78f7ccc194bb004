// Run by tests/store/durable-writes.test.ts under strace: opens the real SQLite store on the file
// given and performs one write of each kind between markers (failed access() calls on
// /kolokol-mark/<name>, which strace prints), so the test can count the fsyncs of each write.
import { accessSync } from 'node:fs';
import { auditEntryHash, auditGenesisHash } from '@kolokol/shared/crypto';
import { openSqliteStore } from '../../../server/src/store/sqlite/open-sqlite-store.js';
import { bytes, createAccount } from '../contract/fixtures.js';

function mark(name: string): void {
  try {
    accessSync(`/kolokol-mark/${name}`);
  } catch {
    // The path never exists: the call is only there to be seen by strace.
  }
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: durable-writes-child <database file>');
const store = await openSqliteStore({ file });
const session = (id: string, accountId: string) => ({
  id,
  accountId,
  deviceId: null,
  tokenHash: bytes(32, id.length),
  createdAt: 1_000,
  expiresAt: Date.now() + 3_600_000,
  revokedAt: null,
});

// The first write into a fresh log syncs the log's header, whatever the mode: get it done
// before the first marker, so that the 'plain' section holds ordinary writes only.
const account = await createAccount(store);
mark('plain');
await createAccount(store);
await store.sessions.create(session('session-a', account.id));
await store.sessions.create(session('session-bb', account.id));
await store.sessions.create(session('session-ccc', account.id));
// Creating a request is an ordinary write; changing its state (below) is durable.
const request = {
  id: 'request-1',
  ownerId: account.id,
  clientId: 'client-1',
  skills: ['safety.digital'],
  urgency: 'normal',
  languages: ['ru'],
  region: 'ru.central',
  details: bytes(200, 3),
  createdAt: 1_000,
} as const;
await store.requests.createRequest(request, { maxLive: 3, liveStates: ['open'] });
await store.requests.createRequest(
  { ...request, id: 'request-2', clientId: 'client-2' },
  { maxLive: 3, liveStates: ['open'] },
);
const volunteer = await createAccount(store);
mark('revoke-session');
await store.sessions.revoke('session-a', 2_000);
mark('revoke-all-sessions');
await store.sessions.revokeAllForAccount(account.id, 2_000);
mark('suspend');
await store.accounts.setSuspended(account.id, 2_000);
mark('certificate');
await store.certificates.putModeratorCertificate({
  accountId: account.id,
  serial: 'serial-1',
  bytes: bytes(120, 1),
  expiresAt: 100_000,
  createdAt: 1_000,
});
mark('revocation-list');
await store.certificates.putRevocationList({ issuedAt: 1_000, bytes: bytes(100, 2) });
mark('audit-entry');
const unhashed = {
  seq: 1,
  type: 'operator' as const,
  recordedAt: 2_000,
  payload: bytes(40, 3),
  certificate: null,
  prevHash: auditGenesisHash(),
};
await store.audit.append(
  { ...unhashed, hash: auditEntryHash(unhashed) },
  { kind: 'reinstate', accountId: account.id },
);
mark('request-transition');
await store.requests.transitionRequest(request.id, {
  from: ['open'],
  to: 'cancelled',
  at: 2_000,
  dropDetails: true,
});
mark('proposal-change');
await store.proposals.applyProposalChange({
  insert: {
    id: 'proposal-1',
    requestId: 'request-2',
    volunteerId: volunteer.id,
    contactId: account.id,
    score: 1,
    reasons: [],
    alternatives: [],
    createdAt: 2_000,
  },
  request: { id: 'request-2', from: ['open'], to: 'proposed', at: 2_000, dropDetails: false },
});
mark('end');
await store.close();
