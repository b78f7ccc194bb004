// The client's view of who the moderators are: `certificates.list` exactly as the server answers
// it (base64url text), checked against the trust configuration the client build embeds (root key
// and revocation floor) and the floor the client stored last time. The revocation statement must
// be present, verify root → signer → statement, be unexpired (≤ 48 h) and respect the floor —
// otherwise the whole directory is refused, so a server that withholds or rolls back revocations
// gains nothing. Of several valid certificates for one handle only the newest is accepted, and
// the others are reported as a conflict. Each moderator's envelope prekey, listed beside its
// certificate, is kept only if the certified identity signed it and it is valid now: what a
// contact seals request details to (`envelopeRecipients`).
import { toBase64Url } from '../../encoding/base64url.js';
import { certificateListSchema } from '../../protocol/keys.js';
import { CryptoError } from '../primitives/errors.js';
import {
  verifyEnvelopePrekey,
  type EnvelopePrekey,
  type EnvelopeRecipient,
} from '../envelope/envelope-prekeys.js';
import {
  mergeRevocationFloors,
  revocationFloorOf,
  trustFloor,
  verifyRevocationStatement,
  type RevocationFloor,
  type TrustConfiguration,
  type VerifiedRevocationStatement,
} from './revocation.js';
import { verifyModeratorCertificate, type ModeratorCertificate } from './trust-chain.js';

export interface CertifiedModerator {
  /** The server's word, under no signature: encrypt to `certificate.moderator`, never to keys looked up by account. */
  readonly accountId: string;
  readonly certificate: ModeratorCertificate;
  /**
   * The moderator's current envelope prekey, signed by the certified identity and valid at `now`;
   * undefined when none was listed or it did not verify (nothing can be sealed to them then).
   */
  readonly envelopePrekey: EnvelopePrekey | undefined;
}

/** Several valid certificates named one handle: only the newest (`accepted`) is in `moderators`. */
export interface CertificateConflict {
  readonly handle: string;
  /** Serial of the certificate kept: the latest issuedAt (then the latest expiresAt, then the higher serial). */
  readonly accepted: Uint8Array;
  readonly superseded: readonly Uint8Array[];
}

export interface ModeratorDirectory {
  readonly moderators: readonly CertifiedModerator[];
  /** How many listed certificates were refused (wrong root, expired, revoked, malformed). */
  readonly refused: number;
  /** Handles with more than one valid certificate; a client should show these to the user. */
  readonly conflicts: readonly CertificateConflict[];
  readonly revocationStatement: VerifiedRevocationStatement;
  /** The floor to store (replacing the one passed in) and pass as `storedFloor` next time. */
  readonly floor: RevocationFloor;
}

/**
 * Verifies the `data` of a `certificates.list` acknowledgement as it arrived (unknown JSON with
 * base64url strings). MALFORMED when it is not that shape; UNTRUSTED when the revocation
 * statement is missing, does not verify, is stale, or is below the shipped or stored floor.
 */
export function verifyModeratorDirectory(
  trust: TrustConfiguration,
  listed: unknown,
  options: { readonly now: number; readonly storedFloor?: RevocationFloor },
): ModeratorDirectory {
  const parsed = certificateListSchema.safeParse(listed);
  if (!parsed.success) throw new CryptoError('MALFORMED', 'not a certificates.list result');
  const { certificates, revocationList } = parsed.data;
  if (revocationList === null) {
    throw new CryptoError('UNTRUSTED', 'no revocation statement is published');
  }
  const floor = mergeRevocationFloors(
    trustFloor(trust),
    ...(options.storedFloor ? [options.storedFloor] : []),
  );
  const revocationStatement = verifyRevocationStatement(trust.rootPublicKey, revocationList, {
    now: options.now,
    floor,
  });
  const newest = new Map<string, CertifiedModerator>();
  const superseded = new Map<string, Uint8Array[]>();
  let refused = 0;
  for (const { accountId, certificate, envelopePrekey: listedPrekey } of certificates) {
    let verified: ModeratorCertificate;
    try {
      verified = verifyModeratorCertificate(trust.rootPublicKey, certificate, {
        now: options.now,
        revocationList: revocationStatement,
      });
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      refused += 1;
      continue;
    }
    const entry: CertifiedModerator = {
      accountId,
      certificate: verified,
      envelopePrekey: certifiedPrekey(verified, listedPrekey, options.now),
    };
    const current = newest.get(verified.handle);
    if (current === undefined) {
      newest.set(verified.handle, entry);
      continue;
    }
    const [kept, dropped] = isNewer(verified, current.certificate)
      ? [entry, current.certificate]
      : [current, verified];
    newest.set(verified.handle, kept);
    superseded.set(verified.handle, [...(superseded.get(verified.handle) ?? []), dropped.serial]);
  }
  const conflicts = [...superseded.entries()].map(([handle, serials]) => ({
    handle,
    accepted: newest.get(handle)!.certificate.serial,
    superseded: serials,
  }));
  return {
    moderators: [...newest.values()],
    refused,
    conflicts,
    revocationStatement,
    floor: withoutExpired(
      mergeRevocationFloors(floor, revocationFloorOf(revocationStatement)),
      options.now,
    ),
  };
}

/**
 * Whom to seal request details to: every moderator of the directory with a verified envelope
 * prekey, its signing key taken from the root-signed certificate (never from the server).
 */
export function envelopeRecipients(directory: ModeratorDirectory): EnvelopeRecipient[] {
  return directory.moderators.flatMap((moderator) =>
    moderator.envelopePrekey === undefined
      ? []
      : [
          {
            signingKey: moderator.certificate.moderator.signingKey,
            prekey: moderator.envelopePrekey,
          },
        ],
  );
}

/** The listed prekey if the certified identity signed it and it is valid now; else undefined. */
function certifiedPrekey(
  certificate: ModeratorCertificate,
  listed: EnvelopePrekey | null,
  now: number,
): EnvelopePrekey | undefined {
  if (listed === null) return undefined;
  try {
    verifyEnvelopePrekey(certificate.moderator.signingKey, listed, { now });
    return listed;
  } catch (error) {
    if (error instanceof CryptoError) return undefined;
    throw error;
  }
}

/** Later issuedAt wins, then later expiresAt, then the higher serial (so the order of the list never matters). */
function isNewer(a: ModeratorCertificate, b: ModeratorCertificate): boolean {
  if (a.issuedAt !== b.issuedAt) return a.issuedAt > b.issuedAt;
  if (a.expiresAt !== b.expiresAt) return a.expiresAt > b.expiresAt;
  return toBase64Url(a.serial) > toBase64Url(b.serial);
}

/** Entries whose certificate has expired need no revoking any more; those kept for ever stay. */
function withoutExpired(floor: RevocationFloor, now: number): RevocationFloor {
  return {
    minIssuedAt: floor.minIssuedAt,
    revoked: floor.revoked.filter(
      (entry) => entry.certificateExpiresAt === undefined || entry.certificateExpiresAt > now,
    ),
  };
}
