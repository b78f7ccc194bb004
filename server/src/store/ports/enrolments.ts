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
   * Reserves a handle for an operator-created account. 'handle-taken' when an account has the
   * handle; an existing enrolment for the handle is replaced (a new code voids the old one).
   */
  create(enrolment: EnrolmentRecord): Promise<'created' | 'handle-taken'>;
  findByHandle(handle: string, now: number): Promise<EnrolmentRecord | undefined>;
}
