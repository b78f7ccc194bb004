// A moderation board (tests/support/matching.ts) a browser can reach: the server allows the
// browser's origin and trusts the browser tests' root (browser-organisation.ts), which the client
// build pins, so the moderator directory the browser verifies is anna's and boris's.
import { encodeRootPublicKey } from '@kolokol/shared/crypto';
import { startBrowserServer } from './browser.js';
import { browserTestOrganisation } from './browser-organisation.js';
import { moderator, type Board } from './matching.js';

/** The board: its server started for browsers, anna and boris certified by the browser tests' root. */
export async function browserBoard(): Promise<Board> {
  const org = browserTestOrganisation();
  const server = await startBrowserServer({
    env: { KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(org.root.publicKey) },
  });
  return { server, org, anna: await moderator(server, org), boris: await moderator(server, org) };
}
