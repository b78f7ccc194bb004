// The protocol version; a client whose major version differs is refused at the handshake.

// 2.0: keys.backup_put needs the login key's signature; certificates.list serves a revocation
// statement (root → signer → statement) instead of a root-signed list; proof of work on the
// anonymous auth routes. Clients of 1.x are refused at the handshake.
export const PROTOCOL_VERSION = '2.0';
export const PROTOCOL_MAJOR = 2;

/** The major number of a "major.minor" version string, or undefined if it is not one. */
export function protocolMajor(version: string): number | undefined {
  const match = /^(\d{1,4})\.(\d{1,4})$/.exec(version);
  return match ? Number(match[1]) : undefined;
}
