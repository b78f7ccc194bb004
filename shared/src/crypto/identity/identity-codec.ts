// A public identity as three fixed fields (signing key, exchange key, exchange signature) in the
// length-checked serializations of primitives/session-codec.ts: the session state and the PQXDH
// handshake.
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
} from '../primitives/primitives.js';
import type { ByteReader, ByteWriter } from '../primitives/session-codec.js';
import type { PublicIdentity } from './identity.js';

/** Writes the three fields, each checked against its length; returns the writer for chaining. */
export function writePublicIdentity(
  writer: ByteWriter,
  identity: PublicIdentity,
  what: string,
): ByteWriter {
  return writer
    .fixed(identity.signingKey, ED25519_PUBLIC_KEY_BYTES, `${what} signing key`)
    .fixed(identity.exchangeKey, X25519_KEY_BYTES, `${what} exchange key`)
    .fixed(identity.exchangeSignature, ED25519_SIGNATURE_BYTES, `${what} exchange signature`);
}

/** The counterpart of writePublicIdentity (lengths only; the caller verifies it). */
export function readPublicIdentity(reader: ByteReader): PublicIdentity {
  return {
    signingKey: reader.fixed(ED25519_PUBLIC_KEY_BYTES),
    exchangeKey: reader.fixed(X25519_KEY_BYTES),
    exchangeSignature: reader.fixed(ED25519_SIGNATURE_BYTES),
  };
}
