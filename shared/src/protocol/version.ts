// The protocol version; a client whose major version differs is refused at the handshake.

// 2.0: keys.backup_put needs the login key's signature; certificates.list serves a revocation
// statement (root → signer → statement) instead of a root-signed list; proof of work on the
// anonymous auth routes. Clients of 1.x are refused at the handshake.
// 3.0: the two-secret key derivation (accounts of 2.x register again), account.rekey, devices
// (device lists, per-device prekeys and mailboxes, sessions bound to a device, one-time ML-KEM
// prekeys), sealed envelopes to X-Wing envelope prekeys.
// 3.1: requests and offers, vetting, the moderation queue and decisions as signed audit
// statements, matches, abuse reports, the audit log's head (issue 8). New events only: a 3.0
// client still connects and keeps working.
// 4.0: conversations (issue 9) are the one messaging path; the interim direct mailbox (its send,
// fetch and ack events and its push) is gone. Removing events breaks 3.x clients, which are
// refused at the handshake (docs/protocol.md, "Changes in 4.0").
export const PROTOCOL_VERSION = '4.0';
export const PROTOCOL_MAJOR = 4;

/** The major number of a "major.minor" version string, or undefined if it is not one. */
export function protocolMajor(version: string): number | undefined {
  const match = /^(\d{1,4})\.(\d{1,4})$/.exec(version);
  return match ? Number(match[1]) : undefined;
}
