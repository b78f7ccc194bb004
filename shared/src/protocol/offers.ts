// Payloads for a volunteer's offer: what they can help with, in which languages and regions, when,
// and how many cases at once; plus an optional note to the moderators, sealed to their envelope
// prekeys (opaque to the server). One offer per volunteer account; contacts never see offers.
import { z } from 'zod';
import { AVAILABILITY_BYTES } from '../skills/availability.js';
import { REGIONS, languageCodeSchema, regionCodeSchema } from '../skills/regions.js';
import { skillCodeSchema } from '../skills/taxonomy.js';
import { bytesSchema, distinct, idSchema } from './common.js';

/** Skills one offer names at most: a volunteer good at everything is rarer than fifteen. */
export const MAX_OFFER_SKILLS = 15;
/** Languages one offer names at most. */
export const MAX_OFFER_LANGUAGES = 10;
/** Active cases a volunteer can take at once, at most: past it, help turns into burnout. */
export const MAX_OFFER_CAPACITY = 20;
/** A skill's level: 1 can help with the common case, 2 experienced, 3 expert. */
export const SKILL_LEVELS = [1, 2, 3] as const;
export type SkillLevel = (typeof SKILL_LEVELS)[number];
/** UTC offsets in use on Earth, in minutes (UTC−12:00 … UTC+14:00), in quarter hours. */
export const MIN_UTC_OFFSET_MINUTES = -720;
export const MAX_UTC_OFFSET_MINUTES = 840;
/**
 * The largest sealed note: a sealed envelope (crypto.md §6) of at most 4095 bytes of plaintext,
 * sealedEnvelopeLength(4095), whatever the number of moderators; a test pins the two.
 */
export const MAX_OFFER_NOTE_BYTES = 25_030;

export const offerSkillSchema = z
  .object({
    code: skillCodeSchema,
    level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  })
  .strict();
export type OfferSkill = z.output<typeof offerSkillSchema>;

export const offerSchema = z
  .object({
    skills: z
      .array(offerSkillSchema)
      .min(1)
      .max(MAX_OFFER_SKILLS)
      .refine(
        distinct((skill: OfferSkill) => skill.code),
        'a skill is named twice',
      ),
    languages: z
      .array(languageCodeSchema)
      .min(1)
      .max(MAX_OFFER_LANGUAGES)
      .refine(distinct(), 'a language is named twice'),
    regions: z
      .array(regionCodeSchema)
      .min(1)
      .max(REGIONS.length)
      .refine(distinct(), 'a region is named twice'),
    /** The volunteer's own UTC offset, for showing hours in their time. */
    utcOffsetMinutes: z
      .number()
      .int()
      .min(MIN_UTC_OFFSET_MINUTES)
      .max(MAX_UTC_OFFSET_MINUTES)
      .multipleOf(15),
    /** 168 bits: the hours of the week (UTC) the volunteer can usually answer (availabilityMask). */
    availability: bytesSchema(AVAILABILITY_BYTES).refine(
      (mask) => mask.some((byte) => byte !== 0),
      'at least one hour of the week',
    ),
    capacity: z.number().int().min(1).max(MAX_OFFER_CAPACITY),
    paused: z.boolean(),
    /** A sealed envelope to the moderators (context offerNoteContext(accountId)); absent: none. */
    note: bytesSchema({ min: 1, max: MAX_OFFER_NOTE_BYTES }).optional(),
  })
  .strict();
export type OfferInput = z.input<typeof offerSchema>;
export type Offer = z.output<typeof offerSchema>;

/** `offers.get`: the caller's own offer, or (moderators and admins) a volunteer's. */
export const offersGetSchema = z.object({ accountId: idSchema.optional() }).strict();

/** An offer as stored, with whose it is and when it last changed; `note` null when none. */
export const offerResultSchema = z.object({
  ...offerSchema.shape,
  accountId: idSchema,
  note: bytesSchema({ min: 1, max: MAX_OFFER_NOTE_BYTES }).nullable(),
  updatedAt: z.number().int(),
});
export type OfferResult = z.input<typeof offerResultSchema>;

export const offersGetResultSchema = z.object({ offer: offerResultSchema.nullable() });

export const offersPutResultSchema = z.object({ updatedAt: z.number().int() });

export const offersSetPausedSchema = z.object({ paused: z.boolean() }).strict();
export const offersSetPausedResultSchema = z.object({
  paused: z.boolean(),
  updatedAt: z.number().int(),
});
