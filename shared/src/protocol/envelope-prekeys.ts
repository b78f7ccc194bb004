// Payloads for envelope prekeys: the rotating, identity-signed X-Wing keys that sealed envelopes
// (request details) are wrapped to. The server checks shapes here and the signature and validity
// in the domain; clients verify them again (verifyEnvelopePrekey) before sealing to one.
import { z } from 'zod';
import { toBase64Url } from '../encoding/base64url.js';
import { KEY_BYTES, SIGNATURE_BYTES } from './auth.js';
import { bytesSchema, idSchema } from './common.js';

/** X-Wing encapsulation key size (draft-connolly-cfrg-xwing-kem); a test pins it to libsodium's. */
export const XWING_PUBLIC_KEY_WIRE_BYTES = 1216;

const timestamp = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** An envelope prekey on the wire: every byte field base64url. */
export const envelopePrekeyWireSchema = z
  .object({
    id: z.number().int().min(1).max(0xffff_ffff),
    publicKey: bytesSchema(XWING_PUBLIC_KEY_WIRE_BYTES),
    createdAt: timestamp,
    expiresAt: timestamp,
    signature: bytesSchema(SIGNATURE_BYTES),
  })
  .strict();
export type EnvelopePrekeyWire = z.input<typeof envelopePrekeyWireSchema>;

/** A signed envelope prekey (the crypto's `EnvelopePrekey`) as `envelope_prekeys.publish` carries it. */
export function toEnvelopePrekeyWire(prekey: {
  readonly id: number;
  readonly publicKey: Uint8Array;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly signature: Uint8Array;
}): EnvelopePrekeyWire {
  return {
    id: prekey.id,
    publicKey: toBase64Url(prekey.publicKey),
    createdAt: prekey.createdAt,
    expiresAt: prekey.expiresAt,
    signature: toBase64Url(prekey.signature),
  };
}

export const publishEnvelopePrekeySchema = z.object({ prekey: envelopePrekeyWireSchema }).strict();

export const fetchEnvelopePrekeySchema = z.object({ accountId: idSchema }).strict();

/** The `envelope_prekeys.fetch` result: the account's newest unexpired prekey and its identity signing key. */
export const envelopePrekeyResultSchema = z.object({
  accountId: idSchema,
  /** The server's word: verify it against a key from a trusted source before sealing to it. */
  signingKey: bytesSchema(KEY_BYTES),
  prekey: envelopePrekeyWireSchema,
});
