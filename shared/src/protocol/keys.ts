// Payloads for prekeys, moderator certificates and revocation lists. Keys travel as
// base64url; the server checks lengths here and signatures in the domain, then stores them.
// Prekeys belong to a device: each device uploads its own, signed by its device key, and a
// fetch answers with one bundle per device of the target beside its identity-signed device list.
import { z } from 'zod';
import { KEY_BYTES, SIGNATURE_BYTES } from './auth.js';
import { bytesSchema, idSchema } from './common.js';
import { envelopePrekeyWireSchema } from './envelope-prekeys.js';
import { deviceListBytesSchema, MAX_DEVICES_PER_ACCOUNT_CEILING } from './devices.js';

/** ML-KEM-768 public key size (FIPS 203); a test pins it to libsodium's constant. */
export const MLKEM768_PUBLIC_KEY_WIRE_BYTES = 1184;
export const MAX_ONE_TIME_PREKEYS_PER_UPLOAD = 100;
/** One-time prekeys the server keeps per device; uploads beyond this are refused. */
export const MAX_ONE_TIME_PREKEYS_STORED = 500;
/** Below this many one-time prekeys left, the device gets a `prekeys.low` push. */
export const ONE_TIME_PREKEYS_LOW_WATER = 20;
/** One-time ML-KEM-768 prekeys per upload: 20 keys of 1184 bytes keep a call under 40 KiB of JSON. */
export const MAX_ONE_TIME_KEM_PREKEYS_PER_UPLOAD = 20;
/** One-time KEM prekeys the server keeps per device (about 120 KiB of keys); more are refused. */
export const MAX_ONE_TIME_KEM_PREKEYS_STORED = 100;
/** Below this many one-time KEM prekeys left, the device gets a `prekeys.low` push. */
export const ONE_TIME_KEM_PREKEYS_LOW_WATER = 10;
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

/** A one-time ML-KEM-768 prekey: signed by the device key like the last-resort one, under its own label. */
export const oneTimeKemPrekeySchema = kemPrekeySchema;

export const setSignedPrekeysSchema = z
  .object({ signedPrekey: signedPrekeySchema, kemPrekey: kemPrekeySchema })
  .strict();

export const addOneTimePrekeysSchema = z
  .object({ prekeys: z.array(oneTimePrekeySchema).min(1).max(MAX_ONE_TIME_PREKEYS_PER_UPLOAD) })
  .strict();

export const addOneTimeKemPrekeysSchema = z
  .object({
    prekeys: z.array(oneTimeKemPrekeySchema).min(1).max(MAX_ONE_TIME_KEM_PREKEYS_PER_UPLOAD),
  })
  .strict();

export const prekeyStatusSchema = z.object({
  oneTimeRemaining: z.number().int(),
  oneTimeKemRemaining: z.number().int(),
  signedPrekeyId: prekeyId.nullable(),
});

/** Every device of the target, or only `deviceId` (e.g. a device its new list added). */
export const fetchBundleSchema = z
  .object({ accountId: idSchema, deviceId: idSchema.optional() })
  .strict();

/** One device's bundle as the server sends it: every byte field as base64url text. */
export const deviceBundleWireSchema = z.object({
  deviceId: idSchema,
  deviceKey: bytesSchema(KEY_BYTES),
  signedPrekey: signedPrekeySchema,
  /** The last-resort KEM prekey. */
  kemPrekey: kemPrekeySchema,
  oneTimeKemPrekey: oneTimeKemPrekeySchema.optional(),
  oneTimePrekey: oneTimePrekeySchema.optional(),
});

/** `prekeys.fetch`'s result: the account's identity, its signed device list, and a bundle per device that has prekeys. */
export const prekeyBundlesWireSchema = z.object({
  accountId: idSchema,
  identity: z.object({
    signingKey: bytesSchema(KEY_BYTES),
    exchangeKey: bytesSchema(KEY_BYTES),
    exchangeSignature: bytesSchema(SIGNATURE_BYTES),
  }),
  /** The newest identity-signed device list (verify it with `verifyDeviceList`). */
  deviceList: deviceListBytesSchema,
  bundles: z.array(deviceBundleWireSchema).max(MAX_DEVICES_PER_ACCOUNT_CEILING),
});
export type PrekeyBundlesWire = z.input<typeof prekeyBundlesWireSchema>;
export type DeviceBundleWire = z.input<typeof deviceBundleWireSchema>;

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
