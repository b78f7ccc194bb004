// The request port: a contact's requests for help — the fields matching needs, the state, and the
// details sealed to the moderators (opaque bytes, dropped when the request ends). The domain
// decides which transitions are legal (shared's lifecycle table); the store applies one only if
// the request is still in a state the domain expects, in a single write (compare-and-swap).
import type { RegionCode, RequestState, SkillCode, Urgency } from '@kolokol/shared';

export interface RequestRecord {
  /** Server-issued. */
  readonly id: string;
  /** The contact's account. */
  readonly ownerId: string;
  /** The contact's client's id for it; (ownerId, clientId) is unique: a retried create is idempotent. */
  readonly clientId: string;
  readonly skills: readonly SkillCode[];
  readonly urgency: Urgency;
  /** ISO 639-1 codes. */
  readonly languages: readonly string[];
  readonly region: RegionCode;
  readonly state: RequestState;
  readonly createdAt: number;
  /** When the state last changed (createdAt until then). */
  readonly updatedAt: number;
}

export interface NewRequest extends Omit<RequestRecord, 'state' | 'updatedAt'> {
  /** The sealed envelope to the moderators. */
  readonly details: Uint8Array;
}

export type CreateRequestResult =
  | { readonly kind: 'created'; readonly request: RequestRecord }
  /** The owner used this clientId before: that request, and its details unless it ended. */
  | {
      readonly kind: 'duplicate';
      readonly request: RequestRecord;
      readonly details: Uint8Array | null;
    }
  /** The owner already has `maxLive` requests in one of `liveStates`: nothing stored. */
  | { readonly kind: 'limit' };

export interface RequestTransition {
  /** The states the request may be in for the change to apply (checked in the same write). */
  readonly from: readonly RequestState[];
  readonly to: RequestState;
  readonly at: number;
  /** When given, only a request of this owner changes. */
  readonly ownerId?: string;
  /** Drop the sealed details in the same write (the request ends). */
  readonly dropDetails: boolean;
}

export interface RequestStore {
  /**
   * Stores a new open request unless the owner used its clientId before ('duplicate', checked
   * first) or already has `limit.maxLive` requests in `limit.liveStates` ('limit'); decided in one
   * transaction, so concurrent creates cannot pass the limit together.
   */
  createRequest(
    request: NewRequest,
    limit: { readonly maxLive: number; readonly liveStates: readonly RequestState[] },
  ): Promise<CreateRequestResult>;
  findRequest(id: string): Promise<RequestRecord | undefined>;
  /** The sealed details, or undefined when there is no such request or it ended. */
  findRequestDetails(id: string): Promise<Uint8Array | undefined>;
  /** Requests in `state`, oldest first, at most `limit` (matching reads the open ones). */
  listRequestsInState(state: RequestState, limit: number): Promise<RequestRecord[]>;
  /** The owner's requests, newest first, at most `limit`. */
  listRequestsOf(ownerId: string, limit: number): Promise<RequestRecord[]>;
  /**
   * Moves the request to `change.to` if it is in one of `change.from` (and is the owner's, when
   * given): the request after the change, or undefined when nothing matched (no such request,
   * another owner's, or another state), in which case nothing changed.
   */
  transitionRequest(id: string, change: RequestTransition): Promise<RequestRecord | undefined>;
  /**
   * Moves up to `limit` requests in one of `from` created at or before `createdBefore` to
   * 'expired', dropping their details: the requests after the change.
   */
  expireRequests(options: {
    readonly from: readonly RequestState[];
    readonly createdBefore: number;
    readonly at: number;
    readonly limit: number;
  }): Promise<RequestRecord[]>;
  /** Deletes requests in one of `states` whose state last changed at or before `before`: how many. */
  purgeRequests(states: readonly RequestState[], before: number): Promise<number>;
}
