// The certificate port: root-signed moderator certificates and revocation lists, stored opaquely.

export interface ModeratorCertificateRecord {
  readonly accountId: string;
  /** Certificate serial as printed by the admin CLI (hex or base64url text). */
  readonly serial: string;
  /** The root-signed certificate, opaque to the server. */
  readonly bytes: Uint8Array;
  readonly expiresAt: number;
  readonly createdAt: number;
}

export interface RevocationListRecord {
  readonly issuedAt: number;
  /** The root-signed revocation list, opaque to the server. */
  readonly bytes: Uint8Array;
}

export interface CertificateStore {
  /**
   * Stores a certificate; a newer one for the same account is served from then on. A serial
   * names one certificate: the same certificate again is 'already-stored' and changes nothing
   * (so re-publishing an older one cannot bring it back), and a different certificate with a
   * stored serial is 'serial-taken'.
   */
  putModeratorCertificate(
    certificate: ModeratorCertificateRecord,
  ): Promise<'stored' | 'already-stored' | 'serial-taken'>;
  /** The most recently stored certificate of an account. */
  findModeratorCertificate(accountId: string): Promise<ModeratorCertificateRecord | undefined>;
  listModeratorCertificates(): Promise<ModeratorCertificateRecord[]>;
  /** Stores the list only if it is newer than the current one; 'stale' otherwise. */
  putRevocationList(list: RevocationListRecord): Promise<'stored' | 'stale'>;
  latestRevocationList(): Promise<RevocationListRecord | undefined>;
}
