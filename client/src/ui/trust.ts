// The trust configuration this build pins: the organisation's root key (scripts/client-build.ts
// defines KOLOKOL_ROOT_PUBLIC_KEY at build time, the same value the server has). The core seals
// request details, offer and report notes only to a moderator directory that verifies against it;
// a build without one cannot send them (the screens then say so), and never trusts the server's word.
import type { TrustConfiguration } from '@kolokol/shared/crypto';
import { decodeRootPublicKey } from '@kolokol/shared/crypto';

declare const KOLOKOL_ROOT_PUBLIC_KEY: string;

/**
 * `{ trust }` for the client's options, or nothing when the build pins no root key. The
 * revocation floor starts at 0: the core keeps the newest one it has seen while it runs.
 */
export function pinnedTrust(deployment: string): { trust?: TrustConfiguration } {
  if (KOLOKOL_ROOT_PUBLIC_KEY === '') return {};
  return {
    trust: {
      deployment,
      rootPublicKey: decodeRootPublicKey(KOLOKOL_ROOT_PUBLIC_KEY),
      minRevocationIssuedAt: 0,
    },
  };
}
