// Payloads for prekeys, moderator certificates and revocation lists. Keys travel as
// base64url; the server checks lengths here and signatures in the domain, then stores them.
import { z } from 'zod';
import { KEY_BYTES, SIGNATURE_BYTES } from './auth.js';
import { bytesSchema, idSchema } from './common.js';
import { envelopePrekeyWireSchema } from './envelope-prekeys.js';

/** ML-KEM-768 public key size (FIPS 203); a test pins it to libsodium's constant. */
export const MLKEM768_PUBLIC_KEY_WIRE_BYTES = 1184;
export const MAX_ONE_TIME_PREKEYS_PER_UPLOAD = 100;
/** One-time prekeys the server keeps per account; uploads beyond this are refused. */
export const MAX_ONE_TIME_PREKEYS_STORED = 500;
/** Below this many one-time prekeys left, the owner gets a `prekeys.low` push. */
export const ONE_TIME_PREKEYS_LOW_WATER = 20;
export const MAX_CERTIFICATE_BYTES = 1024;
/** A root-signed list of up to 10 000 revoked 16-byte serials, with its header and signature. */
export const MAX_REVOCATION_LIST_BYTES = 256 * 1024;

const prekeyId = z.number().int().min(0).max(0xffff_ffff);

export const signedPrekeySchema = z
  .object({
    id: prekeyId,
    publicKey: bytesSchema(KEY_BYTES),
    signature: bytesSchema(SIGNATURE_BYTES),
  })
  .strict();

export const kemPrekeySchema = z
  .object({
    id: prekeyId,
    publicKey: bytesSchema(MLKEM768_PUBLIC_KEY_WIRE_BYTES),
    signature: bytesSchema(SIGNATURE_BYTES),
  })
  .strict();

export const oneTimePrekeySchema = z
  .object({ id: prekeyId, publicKey: bytesSchema(KEY_BYTES) })
  .strict();

export const setSignedPrekeysSchema = z
  .object({ signedPrekey: signedPrekeySchema, kemPrekey: kemPrekeySchema })
  .strict();

export const addOneTimePrekeysSchema = z
  .object({ prekeys: z.array(oneTimePrekeySchema).min(1).max(MAX_ONE_TIME_PREKEYS_PER_UPLOAD) })
  .strict();

export const prekeyStatusSchema = z.object({
  oneTimeRemaining: z.number().int(),
  signedPrekeyId: prekeyId.nullable(),
});

export const fetchBundleSchema = z.object({ accountId: idSchema }).strict();

/** A bundle as the server sends it: every byte field as base64url text. */
export const prekeyBundleWireSchema = z.object({
  accountId: idSchema,
  identity: z.object({
    signingKey: bytesSchema(KEY_BYTES),
    exchangeKey: bytesSchema(KEY_BYTES),
    exchangeSignature: bytesSchema(SIGNATURE_BYTES),
  }),
  signedPrekey: signedPrekeySchema,
  kemPrekey: kemPrekeySchema,
  oneTimePrekey: oneTimePrekeySchema.optional(),
});
export type PrekeyBundleWire = z.input<typeof prekeyBundleWireSchema>;

export const publishCertificateSchema = z
  .object({ certificate: bytesSchema({ min: 1, max: MAX_CERTIFICATE_BYTES }) })
  .strict();

export const certificateListSchema = z.object({
  certificates: z.array(
    z.object({
      accountId: idSchema,
      certificate: bytesSchema({ min: 1, max: MAX_CERTIFICATE_BYTES }),
      /** The account's newest unexpired envelope prekey, to be verified against the certificate. */
      envelopePrekey: envelopePrekeyWireSchema.nullable(),
    }),
  ),
  revocationList: bytesSchema({ min: 1, max: MAX_REVOCATION_LIST_BYTES }).nullable(),
});

export const publishRevocationListSchema = z
  .object({ revocationList: bytesSchema({ min: 1, max: MAX_REVOCATION_LIST_BYTES }) })
  .strict();
