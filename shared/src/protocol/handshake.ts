// What a socket.io client puts in `auth` when it connects.
import { z } from 'zod';

export const handshakeAuthSchema = z
  .object({
    token: z.string().min(1).max(128),
    protocol: z.string().max(16),
  })
  .strict();
export type HandshakeAuth = z.input<typeof handshakeAuthSchema>;
