// Payloads for an account's devices: reserving a device id, publishing the next identity-signed
// device list (a device added or removed), and reading one. The list itself is a signed binary
// object (docs/crypto.md, "Devices"); the server verifies it against the account's identity.
import { z } from 'zod';
import { KEY_BYTES } from './auth.js';
import { bytesSchema, idSchema } from './common.js';

/**
 * Devices one list may name, whatever the deployment's KOLOKOL_MAX_DEVICES_PER_ACCOUNT: the
 * setting's upper bound. A test pins it to the crypto's MAX_LISTED_DEVICES.
 */
export const MAX_DEVICES_PER_ACCOUNT_CEILING = 20;
/** The largest encoded device list (MAX_DEVICE_LIST_BYTES in the crypto); a test pins the two. */
export const MAX_DEVICE_LIST_WIRE_BYTES = 2177;
/** The smallest: header, version, count and signature, with no device. */
export const MIN_DEVICE_LIST_WIRE_BYTES = 77;

export const deviceListBytesSchema = bytesSchema({
  min: MIN_DEVICE_LIST_WIRE_BYTES,
  max: MAX_DEVICE_LIST_WIRE_BYTES,
});

/** A new device asks for its id, naming the device key it made. */
export const devicesReserveSchema = z.object({ deviceKey: bytesSchema(KEY_BYTES) }).strict();
export const devicesReserveResultSchema = z.object({
  deviceId: idSchema,
  /** Publish a list with the device (`devices.add`) before this, or reserve again. */
  expiresAt: z.number().int(),
});

/** The current list plus one reserved device, signed by the identity, one version higher. */
export const devicesAddSchema = z.object({ list: deviceListBytesSchema }).strict();

/** The current list less `deviceId`, signed by the identity, one version higher or more. */
export const devicesRemoveSchema = z
  .object({ deviceId: idSchema, list: deviceListBytesSchema })
  .strict();

export const devicesChangeResultSchema = z.object({ version: z.number().int() });

/** The caller's own list, or (across a channel) another account's. */
export const devicesListSchema = z.object({ accountId: idSchema.optional() }).strict();
export const devicesListResultSchema = z.object({
  accountId: idSchema,
  /** Null until the account's first device is added. */
  list: deviceListBytesSchema.nullable(),
});

/** Pushed to every socket of the account when its device list changed. */
export const devicesChangedSchema = z.object({
  accountId: idSchema,
  version: z.number().int(),
});
export type DevicesChanged = z.infer<typeof devicesChangedSchema>;
