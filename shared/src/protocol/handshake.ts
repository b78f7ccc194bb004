// What a socket.io client puts in `auth` when it connects.
import { z } from 'zod';
import { SIGNATURE_BYTES } from './auth.js';
import { bytesSchema, idSchema } from './common.js';

export const handshakeAuthSchema = z
  .object({
    token: z.string().min(1).max(128),
    protocol: z.string().max(16),
    /**
     * The device this socket acts as: its id and `signDeviceSession` by its device key over the
     * token. Absent only for a session not bound to a device yet (a new device, before its list).
     */
    device: z
      .object({ id: idSchema, signature: bytesSchema(SIGNATURE_BYTES) })
      .strict()
      .optional(),
  })
  .strict();
export type HandshakeAuth = z.input<typeof handshakeAuthSchema>;
