// The client core: Kolokol without DOM, for the web UI, tests and bots (docs/client.md).
export {
  AUDIT_CHECKPOINT_BYTES,
  type AuditVerification,
  type AuditVerifyOptions,
} from './audit.js';
export { KolokolClient, type ClientOptions, type SignedOutReason } from './client.js';
export type { LoginInput, RegisterInput, ServerOptions } from './account.js';
export {
  Connection,
  type ConnectionCredentials,
  type ConnectionOwner,
  type ConnectionState,
} from './connection.js';
export { newClientId } from './client-ids.js';
export { Conversations } from './conversations.js';
export { DecisionSigner, type AuditEntryRef, type DecisionFields } from './decisions.js';
export { Devices } from './devices.js';
export { KolokolError, isKolokolError } from './errors.js';
export { CLIENT_LIMITS } from './limits.js';
export { readLinkCode, type ReadLinkCode } from './link.js';
export { Emitter, Observable, type Unsubscribe } from './observable.js';
export type { LocalConversation, LocalMessage, MessageState } from './state.js';
export { Matches, type MatchOutcome, type MatchView } from './matches.js';
export {
  Moderation,
  type DecidedProposal,
  type DecisionNote,
  type PinnedIdentities,
  type QueueEntry,
} from './moderation.js';
export type { PassphraseChange, PassphraseChanged } from './passphrase.js';
export { Reports, type NewReport, type ReportView } from './reports.js';
export { SafetyNumbers, type ShownSafetyNumber } from './safety.js';
export type { OpenedText } from './sealed-notes.js';
export { MemoryStorage, type StorageChanges, type StoragePort } from './storage.js';
export { Suspensions } from './suspensions.js';
export { Updates } from './updates.js';
export { Vetting } from './vetting.js';
