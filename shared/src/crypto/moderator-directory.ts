// The client's view of who the moderators are: every certificate the server lists is verified
// against the root key pinned in the client's own configuration, together with the revocation
// list. Certificates that fail are dropped. The revocation list must be present, verify, be no
// older than MAX_REVOCATION_LIST_AGE_MS and no older than one already seen — otherwise the whole
// directory is refused, so a server that withholds or rolls back revocations gains nothing: the
// operator re-issues the list (even an empty one) at least monthly.
import { CryptoError } from './errors.js';
import {
  verifyModeratorCertificate,
  verifyRevocationList,
  type ModeratorCertificate,
  type VerifiedRevocationList,
} from './trust-chain.js';

/** Clients refuse a revocation list older than this; the operator re-issues one at least every 30 days. */
export const MAX_REVOCATION_LIST_AGE_MS = 35 * 24 * 60 * 60 * 1000;

export interface ListedCertificate {
  readonly accountId: string;
  readonly certificate: Uint8Array;
}

export interface CertifiedModerator {
  readonly accountId: string;
  readonly certificate: ModeratorCertificate;
}

export interface ModeratorDirectory {
  readonly moderators: readonly CertifiedModerator[];
  /** How many listed certificates were refused (wrong root, expired, revoked, malformed). */
  readonly refused: number;
  /** The verified revocation list, whose issuedAt the client keeps as its next `minRevocationIssuedAt`. */
  readonly revocationList: VerifiedRevocationList;
}

export function verifyModeratorDirectory(
  rootPublicKey: Uint8Array,
  listed: {
    readonly certificates: readonly ListedCertificate[];
    readonly revocationList: Uint8Array | null;
  },
  options: { readonly now: number; readonly minRevocationIssuedAt?: number },
): ModeratorDirectory {
  if (listed.revocationList === null) {
    throw new CryptoError('UNTRUSTED', 'no revocation list is published');
  }
  const revocationList = verifyRevocationList(rootPublicKey, listed.revocationList, {
    now: options.now,
    ...(options.minRevocationIssuedAt === undefined
      ? {}
      : { minIssuedAt: options.minRevocationIssuedAt }),
  });
  if (revocationList.issuedAt < options.now - MAX_REVOCATION_LIST_AGE_MS) {
    throw new CryptoError('UNTRUSTED', 'the revocation list is out of date');
  }
  const moderators: CertifiedModerator[] = [];
  let refused = 0;
  for (const { accountId, certificate } of listed.certificates) {
    try {
      const verified = verifyModeratorCertificate(rootPublicKey, certificate, {
        now: options.now,
        revocationList,
      });
      moderators.push({ accountId, certificate: verified });
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      refused += 1;
    }
  }
  return { moderators, refused, revocationList };
}
