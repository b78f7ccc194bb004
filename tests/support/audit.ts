// Certified staff for tests of audited decisions: enrolled through the real server, certified by
// a test root key (as `admin certify` does offline), the certificate published with
// `certificates.publish`, and statements signed with the account's identity as its client would.
import { expect } from 'vitest';
import { toBase64Url } from '@kolokol/shared';
import {
  issueAuditStatement,
  issueModeratorCertificate,
  issueRevocationSignerCertificate,
  issueRevocationStatement,
  decodeModeratorCertificateUnverified,
  generateRootKey,
  publicIdentity,
  type AuditStatementFields,
  type KeyPair,
} from '@kolokol/shared/crypto';
import { call, connectWithToken, type ClientSocket } from './client.js';
import type { LoggedIn } from './keys.js';
import type { TestServer } from './server.js';
import { enrolStaff } from './staff.js';

const DAY = 24 * 60 * 60 * 1000;

/** What a staff client fills in for a statement; actor and issuedAt default to its own and now. */
export type StatementFields = Omit<AuditStatementFields, 'actor' | 'issuedAt'> &
  Partial<Pick<AuditStatementFields, 'actor' | 'issuedAt'>>;

export interface Staff extends LoggedIn {
  readonly socket: ClientSocket;
  /** The root-signed certificate (undefined for staff left uncertified). */
  readonly certificate: Uint8Array | undefined;
  /** A statement signed by this account's identity, base64url as it travels. */
  statement(fields: StatementFields): string;
}

/** The organisation of a test: a root key, and a revocation signer it certified. */
export interface TestOrganisation {
  readonly root: KeyPair;
  readonly signer: KeyPair;
  readonly signerCertificate: Uint8Array;
}

export function testOrganisation(): TestOrganisation {
  const root = generateRootKey();
  const signer = generateRootKey();
  const signerCertificate = issueRevocationSignerCertificate(root.secretKey, {
    signerKey: signer.publicKey,
    issuedAt: Date.now() - DAY,
    expiresAt: Date.now() + 60 * DAY,
  });
  return { root, signer, signerCertificate };
}

/** A staff account with an open socket; certified by `org`'s root and published unless told not to. */
export async function staff(
  server: TestServer,
  org: TestOrganisation,
  role: 'moderator' | 'admin' = 'moderator',
  options: { readonly certified?: boolean } = {},
): Promise<Staff> {
  const enrolled = await enrolStaff(server, role);
  const socket = await connectWithToken(server.url, enrolled.token);
  let certificate: Uint8Array | undefined;
  if (options.certified !== false) {
    certificate = issueModeratorCertificate(org.root.secretKey, {
      handle: enrolled.account.handle,
      moderator: publicIdentity(enrolled.account.identity),
      issuedAt: Date.now() - 60_000,
      expiresAt: Date.now() + 30 * DAY,
    });
    const published = await call(socket, 'certificates.publish', {
      certificate: toBase64Url(certificate),
    });
    expect(published).toMatchObject({ ok: true });
  }
  return {
    ...enrolled,
    socket,
    certificate,
    statement: (fields) =>
      toBase64Url(
        issueAuditStatement(enrolled.account.identity, {
          actor: enrolled.accountId,
          issuedAt: Date.now(),
          ...fields,
        }),
      ),
  };
}

/** A revocation statement from `org`'s signer revoking these staff members' certificates. */
export function revoking(org: TestOrganisation, revoked: readonly Staff[]): string {
  const issuedAt = Date.now() - 1000;
  return toBase64Url(
    issueRevocationStatement(org.signer.secretKey, org.signerCertificate, {
      issuedAt,
      expiresAt: issuedAt + 2 * DAY,
      revoked: revoked.map((member) => {
        const certificate = decodeModeratorCertificateUnverified(member.certificate!);
        return { serial: certificate.serial, certificateExpiresAt: certificate.expiresAt };
      }),
    }),
  );
}

/** The number of entries in the test server's audit log, read from its SQLite file. */
export function auditLength(server: TestServer): number {
  return server.snapshot().audit_log?.length ?? 0;
}
