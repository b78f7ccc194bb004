// The enrolment port: handles reserved by the operator for moderators and admins.
import type { Role } from '@kolokol/shared';

export interface EnrolmentRecord {
  readonly handle: string;
  readonly role: Role;
  readonly codeHash: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface EnrolmentStore {
  /**
   * Reserves a handle for an operator-created account, atomically. 'handle-taken' when an account
   * has the handle. A pending (unexpired at `enrolment.createdAt`) enrolment for the handle is
   * kept and 'pending' answered, unless `replacePending` is set: then it is replaced — its code
   * stops working — and 'replaced' answered. An expired one is replaced silently ('created').
   */
  create(
    enrolment: EnrolmentRecord,
    options?: { readonly replacePending?: boolean },
  ): Promise<'created' | 'replaced' | 'pending' | 'handle-taken'>;
  findByHandle(handle: string, now: number): Promise<EnrolmentRecord | undefined>;
  /** Handles of every enrolment still pending at `now` (reserved for future staff). */
  pendingHandles(now: number): Promise<string[]>;
}
