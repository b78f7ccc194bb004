// The client's view of who the moderators are: every certificate the server lists is verified
// against the root key pinned in the client's own configuration, together with the revocation
// list. Certificates that fail are dropped; a revocation list that fails, or is missing or older
// than one already seen, refuses the whole directory — a rollback is never accepted as "no list".
import { CryptoError } from './errors.js';
import {
  verifyModeratorCertificate,
  verifyRevocationList,
  type ModeratorCertificate,
  type VerifiedRevocationList,
} from './trust-chain.js';

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
  readonly revocationList: VerifiedRevocationList | undefined;
}

export function verifyModeratorDirectory(
  rootPublicKey: Uint8Array,
  listed: {
    readonly certificates: readonly ListedCertificate[];
    readonly revocationList: Uint8Array | null;
  },
  options: { readonly now: number; readonly minRevocationIssuedAt?: number },
): ModeratorDirectory {
  let revocationList: VerifiedRevocationList | undefined;
  if (listed.revocationList !== null) {
    revocationList = verifyRevocationList(rootPublicKey, listed.revocationList, {
      now: options.now,
      ...(options.minRevocationIssuedAt === undefined
        ? {}
        : { minIssuedAt: options.minRevocationIssuedAt }),
    });
  } else if (options.minRevocationIssuedAt !== undefined) {
    throw new CryptoError('UNTRUSTED', 'the server withheld the revocation list');
  }
  const moderators: CertifiedModerator[] = [];
  let refused = 0;
  for (const { accountId, certificate } of listed.certificates) {
    try {
      const verified = verifyModeratorCertificate(rootPublicKey, certificate, {
        now: options.now,
        ...(revocationList ? { revocationList } : {}),
      });
      moderators.push({ accountId, certificate: verified });
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      refused += 1;
    }
  }
  return { moderators, refused, revocationList };
}
