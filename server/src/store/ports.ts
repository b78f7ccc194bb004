// Store ports: the only way the domain reaches persistent state. Adapters (sqlite, later
// mongo) implement these and pass one contract suite (tests/store/contract.ts).
// Every method is async so that a networked adapter fits; times are ms since the epoch.
export type * from './ports/accounts.js';
export type * from './ports/audit.js';
export type * from './ports/certificates.js';
export type * from './ports/challenges.js';
export type * from './ports/conversations.js';
export type * from './ports/devices.js';
export type * from './ports/enrolments.js';
export type * from './ports/envelope-prekeys.js';
export type * from './ports/meta.js';
export type * from './ports/offers.js';
export type * from './ports/prekeys.js';
export type * from './ports/requests.js';
export type * from './ports/reports.js';
export type * from './ports/sessions.js';
export type * from './ports/store.js';
export type * from './ports/vetting.js';
export type * from './ports/proposals.js';
