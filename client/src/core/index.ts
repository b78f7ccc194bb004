// The client core: Kolokol without DOM, for the web UI, tests and bots (docs/client.md).
export { KolokolClient, type ClientOptions, type SignedOutReason } from './client.js';
export type { LoginInput, RegisterInput, ServerOptions } from './account.js';
export {
  Connection,
  type ConnectionCredentials,
  type ConnectionOwner,
  type ConnectionState,
} from './connection.js';
export { Conversations } from './conversations.js';
export { Devices } from './devices.js';
export { KolokolError, isKolokolError } from './errors.js';
export { CLIENT_LIMITS } from './limits.js';
export { Emitter, Observable, type Unsubscribe } from './observable.js';
export type { LocalConversation, LocalMessage, MessageState } from './state.js';
export type { MatchOutcome, MatchView } from './matches.js';
export type { NewReport } from './reports.js';
export { Moderation, type QueueEntry } from './moderation.js';
export { MemoryStorage, type StorageChanges, type StoragePort } from './storage.js';
