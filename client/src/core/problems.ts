// How the conversation code tells a passing trouble (retry later) from a message's own fault.
import { CryptoError } from '@kolokol/shared/crypto';
import { KolokolError } from './errors.js';

/** Codes after which the work stops and is retried later (a reconnect, a timer), losing nothing. */
export const TRANSIENT = ['UNAVAILABLE', 'RATE_LIMITED', 'UNAUTHENTICATED', 'INTERNAL'] as const;

/** The code or crypto reason to show for a message that failed: never key material. */
export function problemOf(error: unknown): string {
  if (error instanceof KolokolError) return error.code;
  if (error instanceof CryptoError) return error.reason;
  return 'INTERNAL';
}
