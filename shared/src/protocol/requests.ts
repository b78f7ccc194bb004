// Payloads for a contact's requests for help: what matching needs in the clear (1–3 skills,
// urgency, languages, one coarse region) and the details as a sealed envelope to the certified
// moderators, opaque to the server. docs/protocol.md ("What the server learns about a request")
// lists everything the server sees.
import { z } from 'zod';
import { languageCodeSchema, regionCodeSchema } from '../skills/regions.js';
import { skillCodeSchema } from '../skills/taxonomy.js';
import { bytesSchema, distinct, idSchema } from './common.js';
import { requestStateSchema } from './request-lifecycle.js';

export const URGENCIES = ['low', 'normal', 'high', 'critical'] as const;
export type Urgency = (typeof URGENCIES)[number];
export const urgencySchema = z.enum(URGENCIES);

/** Skills one request names at most: a request is one need, not a list of them. */
export const MAX_REQUEST_SKILLS = 3;
/** Languages one request names at most. */
export const MAX_REQUEST_LANGUAGES = 5;
/**
 * The largest sealed details: a sealed envelope (crypto.md §6) of at most 16383 bytes of plaintext
 * (about 8 000 Cyrillic characters), sealedEnvelopeLength(16383), whatever the number of
 * moderators; a test pins the two. Documents belong in the conversation, not the request.
 */
export const MAX_REQUEST_DETAILS_BYTES = 37_318;
/** Requests `requests.list` returns at most, newest first. */
export const MAX_LISTED_REQUESTS = 50;

export const requestsCreateSchema = z
  .object({
    /**
     * Chosen by the client (16 random bytes, base64url): resending the same one is idempotent,
     * and the details are sealed under requestDetailsContext, which binds it.
     */
    clientId: idSchema,
    skills: z
      .array(skillCodeSchema)
      .min(1)
      .max(MAX_REQUEST_SKILLS)
      .refine(distinct(), 'a skill is named twice'),
    urgency: urgencySchema,
    languages: z
      .array(languageCodeSchema)
      .min(1)
      .max(MAX_REQUEST_LANGUAGES)
      .refine(distinct(), 'a language is named twice'),
    region: regionCodeSchema,
    /** A sealed envelope to the certified moderators' envelope prekeys. */
    details: bytesSchema({ min: 1, max: MAX_REQUEST_DETAILS_BYTES }),
  })
  .strict();
export type RequestsCreateInput = z.input<typeof requestsCreateSchema>;

/** A request as its contact sees it (never the details: the contact cannot open them anyway). */
export const requestWireSchema = z.object({
  id: idSchema,
  clientId: idSchema,
  skills: z.array(skillCodeSchema),
  urgency: urgencySchema,
  languages: z.array(languageCodeSchema),
  region: regionCodeSchema,
  state: requestStateSchema,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type RequestWire = z.input<typeof requestWireSchema>;

export const requestsCreateResultSchema = z.object({
  request: requestWireSchema,
  /** True when this clientId had already created the request: nothing new was stored. */
  duplicate: z.boolean(),
});

export const requestsListResultSchema = z.object({ requests: z.array(requestWireSchema) });

export const requestsCancelSchema = z.object({ id: idSchema }).strict();
export const requestsCancelResultSchema = z.object({ request: requestWireSchema });

/** Pushed to every socket of the contact when one of their requests changed state. */
export const requestsChangedSchema = z.object({
  id: idSchema,
  state: requestStateSchema,
  updatedAt: z.number().int(),
});
export type RequestsChanged = z.infer<typeof requestsChangedSchema>;
