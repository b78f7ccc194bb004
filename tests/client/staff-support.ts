// Staff through the client core against a moderation board (tests/support/matching): the pinned
// trust configuration of the board's organisation (its revocation statement published by an
// admin, so the moderator directory verifies), and moderators registered on the core and
// certified by the board's root.
import { toBase64Url } from '@kolokol/shared';
import { issueModeratorCertificate, type TrustConfiguration } from '@kolokol/shared/crypto';
import { KolokolClient, MemoryStorage } from '@kolokol/client/core';
import { revoking, staff } from '../support/audit.js';
import { call } from '../support/client.js';
import type { Board } from '../support/matching.js';
import { DEPLOYMENT, PASSPHRASE, newHandle } from './support.js';

const DAY = 24 * 3600 * 1000;

/** Publishes the board's revocation statement (once per board) and returns the trust to pin. */
export async function boardTrust(board: Board): Promise<TrustConfiguration> {
  const admin = await staff(board.server, board.org, 'admin');
  const published = await call(admin.socket, 'revocations.publish', {
    revocationList: revoking(board.org, []),
  });
  if (!published.ok) throw new Error(`revocations.publish failed: ${published.error.code}`);
  return {
    deployment: DEPLOYMENT,
    rootPublicKey: board.org.root.publicKey,
    minRevocationIssuedAt: 0,
  };
}

/** A contact or volunteer on the core, pinning `trust`. */
export async function trustingMember(
  board: Board,
  trust: TrustConfiguration,
  role: 'contact' | 'volunteer',
): Promise<KolokolClient> {
  const { client } = await KolokolClient.register(
    { url: board.server.url, deployment: DEPLOYMENT, storage: new MemoryStorage(), trust },
    { handle: newHandle(role), passphrase: PASSPHRASE, role },
  );
  return client;
}

/** A moderator enrolled by the operator, registered on the core, its certificate published. */
export async function certifiedModerator(
  board: Board,
  trust?: TrustConfiguration,
): Promise<KolokolClient> {
  const handle = newHandle('moderator');
  const { code } = await board.server.server.services.accounts.enrol(handle, 'moderator');
  const { client } = await KolokolClient.register(
    {
      url: board.server.url,
      deployment: DEPLOYMENT,
      storage: new MemoryStorage(),
      ...(trust === undefined ? {} : { trust }),
    },
    { handle, passphrase: PASSPHRASE, enrolmentCode: code },
  );
  const certificate = issueModeratorCertificate(board.org.root.secretKey, {
    handle,
    moderator: client.identity,
    issuedAt: Date.now() - 60_000,
    expiresAt: Date.now() + 30 * DAY,
  });
  await client.call('certificates.publish', { certificate: toBase64Url(certificate) });
  return client;
}
