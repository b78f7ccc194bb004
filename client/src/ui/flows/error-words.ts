// Any failure of an action, as a sentence a frightened person understands (catalogue keys
// `flow.error.*`): what happened, whether anything was lost or sent, what to do. Never the
// server's own message (it is for developers) and never a key, id or handle.
import { CryptoError } from '@kolokol/shared/crypto';
import { KolokolError } from '@kolokol/client/core';

export type FlowErrorKey =
  | 'flow.error.UNAVAILABLE'
  | 'flow.error.RATE_LIMITED'
  | 'flow.error.FORBIDDEN'
  | 'flow.error.NOT_FOUND'
  | 'flow.error.CONFLICT'
  | 'flow.error.crypto'
  | 'flow.error.other';

export function errorKey(error: unknown): FlowErrorKey {
  if (error instanceof CryptoError) return 'flow.error.crypto';
  if (!(error instanceof KolokolError)) return 'flow.error.other';
  switch (error.code) {
    case 'UNAVAILABLE':
    case 'RATE_LIMITED':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'CONFLICT':
      return `flow.error.${error.code}`;
    case 'POW_REQUIRED':
      return 'flow.error.RATE_LIMITED';
    case 'DEVICE_LIST_CHANGED':
    case 'UNAUTHENTICATED':
      return 'flow.error.UNAVAILABLE';
    default:
      return 'flow.error.other';
  }
}
