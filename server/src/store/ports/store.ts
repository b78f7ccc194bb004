// The whole store: every port, plus health and shutdown.
import type { AccountStore } from './accounts.js';
import type { AuditStore } from './audit.js';
import type { CertificateStore } from './certificates.js';
import type { ChallengeStore } from './challenges.js';
import type { ConversationStore } from './conversations.js';
import type { DeviceStore } from './devices.js';
import type { EnrolmentStore } from './enrolments.js';
import type { EnvelopePrekeyStore } from './envelope-prekeys.js';
import type { MetaStore } from './meta.js';
import type { OfferStore } from './offers.js';
import type { PrekeyStore } from './prekeys.js';
import type { ProposalStore } from './proposals.js';
import type { ReportStore } from './reports.js';
import type { RequestStore } from './requests.js';
import type { SessionStore } from './sessions.js';
import type { VettingStore } from './vetting.js';

export interface Store {
  readonly accounts: AccountStore;
  readonly enrolments: EnrolmentStore;
  readonly sessions: SessionStore;
  readonly challenges: ChallengeStore;
  readonly meta: MetaStore;
  readonly devices: DeviceStore;
  readonly prekeys: PrekeyStore;
  readonly certificates: CertificateStore;
  readonly envelopePrekeys: EnvelopePrekeyStore;
  readonly audit: AuditStore;
  readonly vetting: VettingStore;
  readonly offers: OfferStore;
  readonly requests: RequestStore;
  readonly conversations: ConversationStore;
  readonly proposals: ProposalStore;
  readonly reports: ReportStore;
  /** Resolves when the store answers a trivial query; used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
