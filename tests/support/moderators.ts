// A certified moderator directory on a real test server, as the operator and a moderator make it:
// a root-signed revocation signer publishes a fresh statement (admin), a moderator publishes its
// root-signed certificate and an identity-signed envelope prekey. Clients then verify it with
// verifyModeratorDirectory against the root key and seal request details to it.
import { toBase64Url, toEnvelopePrekeyWire } from '@kolokol/shared';
import {
  EnvelopePrekeyStore,
  generateRootKey,
  issueModeratorCertificate,
  issueRevocationSignerCertificate,
  issueRevocationStatement,
  publicIdentity,
  type KeyPair,
} from '@kolokol/shared/crypto';
import { call, connectWithToken } from './client.js';
import type { TestServer } from './server.js';
import { enrolStaff } from './staff.js';

const DAY = 24 * 3600 * 1000;

/**
 * Publishes a revocation statement and one certified moderator with a current envelope prekey on
 * `server`, whose KOLOKOL_ROOT_PUBLIC_KEY must be `root`'s public key. Returns the moderator's
 * identity and envelope prekey store (to open what is sealed to it).
 */
export async function publishModeratorDirectory(server: TestServer, root: KeyPair) {
  const now = Date.now();
  const admin = await enrolStaff(server, 'admin');
  const adminSocket = await connectWithToken(server.url, admin.token);
  const signer = generateRootKey();
  const signerCertificate = issueRevocationSignerCertificate(root.secretKey, {
    signerKey: signer.publicKey,
    issuedAt: now - DAY,
    expiresAt: now + 30 * DAY,
  });
  const statement = issueRevocationStatement(signer.secretKey, signerCertificate, {
    issuedAt: now - 60_000,
    expiresAt: now + DAY,
    revoked: [],
  });
  const moderator = await enrolStaff(server, 'moderator');
  const socket = await connectWithToken(server.url, moderator.token);
  try {
    await expectOk(
      call(adminSocket, 'revocations.publish', { revocationList: toBase64Url(statement) }),
    );
    const certificate = issueModeratorCertificate(root.secretKey, {
      handle: moderator.account.handle,
      moderator: publicIdentity(moderator.account.identity),
      issuedAt: now - 60_000,
      expiresAt: now + 30 * DAY,
    });
    await expectOk(call(socket, 'certificates.publish', { certificate: toBase64Url(certificate) }));
    const envelopePrekeys = new EnvelopePrekeyStore();
    const prekey = envelopePrekeys.rotate(moderator.account.identity, now);
    await expectOk(
      call(socket, 'envelope_prekeys.publish', {
        prekey: toEnvelopePrekeyWire(prekey),
      }),
    );
    return {
      identity: moderator.account.identity,
      envelopePrekeys,
      accountId: moderator.accountId,
    };
  } finally {
    adminSocket.close();
    socket.close();
  }
}

async function expectOk(answer: Promise<{ ok: boolean; error?: { code: string } }>) {
  const settled = await answer;
  if (!settled.ok) throw new Error(`directory set-up failed: ${settled.error?.code ?? '?'}`);
}
