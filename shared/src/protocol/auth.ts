// REST bodies for registration, login and logout. Keys and signatures travel as base64url.
import { z } from 'zod';
import { bytesSchema, handleSchema, idSchema, roleSchema, SELF_REGISTER_ROLES } from './common.js';
import { powSolutionSchema } from './pow.js';

export const KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
export const SALT_BYTES = 16;
export const NONCE_BYTES = 32;
/** One-time enrolment codes printed by the admin CLI: 20 random bytes, base64url. */
export const ENROLMENT_CODE_BYTES = 20;
/** The sealed identity backup (key-store blob); room for later additions to what it holds. */
export const MAX_KEY_BACKUP_BYTES = 8 * 1024;

export const publicIdentitySchema = z
  .object({
    signingKey: bytesSchema(KEY_BYTES),
    exchangeKey: bytesSchema(KEY_BYTES),
    exchangeSignature: bytesSchema(SIGNATURE_BYTES),
  })
  .strict();

export const registerBodySchema = z
  .object({
    handle: handleSchema,
    /** Self-registration takes contact or volunteer; an enrolment code decides the role instead. */
    role: z.enum(SELF_REGISTER_ROLES).optional(),
    enrolmentCode: bytesSchema(ENROLMENT_CODE_BYTES).optional(),
    /** Passphrase-derived Ed25519 login key; the server never gives it to anyone. */
    authKey: bytesSchema(KEY_BYTES),
    /** The account's random, published identity. */
    identity: publicIdentitySchema,
    /** The Argon2id salt the client used; served back at login so any browser can re-derive. */
    salt: bytesSchema(SALT_BYTES),
    /** The identity secrets sealed under the passphrase-derived storage key; returned at login. */
    keyBackup: bytesSchema({ min: 1, max: MAX_KEY_BACKUP_BYTES }),
    /** signRegistration(): proofs of possession by the login key and by the identity key. */
    authSignature: bytesSchema(SIGNATURE_BYTES),
    identitySignature: bytesSchema(SIGNATURE_BYTES),
    /** A solved puzzle from POST /auth/puzzle, needed only after a POW_REQUIRED. */
    pow: powSolutionSchema.optional(),
  })
  .strict()
  .refine((body) => (body.role === undefined) !== (body.enrolmentCode === undefined), {
    message: 'give exactly one of role or enrolmentCode',
  });
export type RegisterBody = z.input<typeof registerBodySchema>;

export const registerResultSchema = z.object({ accountId: idSchema, role: roleSchema });
export type RegisterResult = z.infer<typeof registerResultSchema>;

export const challengeBodySchema = z
  .object({
    handle: handleSchema,
    /** A solved puzzle from POST /auth/puzzle, needed only after a POW_REQUIRED. */
    pow: powSolutionSchema.optional(),
  })
  .strict();
export type ChallengeBody = z.input<typeof challengeBodySchema>;

/** A login challenge as the server sends it; parsing decodes `nonce` and `salt` to bytes. */
export const challengeResultSchema = z.object({
  challengeId: idSchema,
  nonce: bytesSchema(NONCE_BYTES),
  salt: bytesSchema(SALT_BYTES),
  expiresAt: z.number().int(),
});
export type ChallengeResult = z.input<typeof challengeResultSchema>;

export const loginBodySchema = z
  .object({
    handle: handleSchema,
    challengeId: idSchema,
    /** signLoginChallenge() by the authentication key over handle, challengeId and nonce. */
    signature: bytesSchema(SIGNATURE_BYTES),
  })
  .strict();
export type LoginBody = z.input<typeof loginBodySchema>;

export const loginResultSchema = z.object({
  token: z.string(),
  expiresAt: z.number().int(),
  accountId: idSchema,
  role: roleSchema,
  /** The sealed identity backup, for a browser that has no keys yet. */
  keyBackup: bytesSchema({ min: 1, max: MAX_KEY_BACKUP_BYTES }),
});
export type LoginResult = z.input<typeof loginResultSchema>;

/**
 * `account.rekey`: a new passphrase and/or account key. The client derives new keys with a fresh
 * salt, re-seals the identity backup one generation higher, and signs with prepareRekey().
 */
export const rekeySchema = z
  .object({
    /** A challenge from POST /auth/challenge for the caller's handle; spent here. */
    challengeId: idSchema,
    /** The new Argon2id salt, served at login from now on. */
    salt: bytesSchema(SALT_BYTES),
    /** The new login public key. */
    authKey: bytesSchema(KEY_BYTES),
    /** The identity backup sealed under the new storage key; its generation above the stored one's. */
    keyBackup: bytesSchema({ min: 1, max: MAX_KEY_BACKUP_BYTES }),
    /** signRekey(): proof of possession by the new login key. */
    authSignature: bytesSchema(SIGNATURE_BYTES),
    /** signRekey(): by the current login key, so a session token alone cannot rekey. */
    signature: bytesSchema(SIGNATURE_BYTES),
  })
  .strict();
export type RekeyInput = z.input<typeof rekeySchema>;

export const rekeyResultSchema = z.object({
  /** Sessions of the account that ended (every one but the caller's). */
  revokedSessions: z.number().int(),
});

export const logoutResultSchema = z.object({ revokedSessions: z.number().int() });
export type LogoutResult = z.infer<typeof logoutResultSchema>;

/** The parsed forms (bytes decoded, handle normalised) that the server works with. */
export type RegisterPayload = z.output<typeof registerBodySchema>;
export type ChallengePayload = z.output<typeof challengeBodySchema>;
export type LoginPayload = z.output<typeof loginBodySchema>;
export type RekeyPayload = z.output<typeof rekeySchema>;
