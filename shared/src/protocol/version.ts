// The protocol version; a client whose major version differs is refused at the handshake.

export const PROTOCOL_VERSION = '1.0';
export const PROTOCOL_MAJOR = 1;

/** The major number of a "major.minor" version string, or undefined if it is not one. */
export function protocolMajor(version: string): number | undefined {
  const match = /^(\d{1,4})\.(\d{1,4})$/.exec(version);
  return match ? Number(match[1]) : undefined;
}
