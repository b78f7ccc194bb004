// Requests and offers as a real client makes them: details sealed (real crypto) to moderators'
// envelope prekeys under the request's context, a fresh clientId, offers in wire form.
import {
  availabilityMask,
  requestsChangedSchema,
  toBase64Url,
  type EventInput,
  type RequestsChanged,
  type OfferInput,
  type RequestsCreateInput,
} from '@kolokol/shared';
import {
  EnvelopePrekeyStore,
  generateIdentity,
  offerNoteContext,
  randomBytes,
  requestDetailsContext,
  sealEnvelope,
  utf8,
  type EnvelopeRecipient,
  type Identity,
} from '@kolokol/shared/crypto';
import type { ClientSocket } from './client.js';

/** A moderator's envelope keys, made locally: for tests where only the envelope's shape matters. */
export function localModerator(now = Date.now()) {
  const identity = generateIdentity();
  const store = new EnvelopePrekeyStore();
  const prekey = store.rotate(identity, now);
  const recipient: EnvelopeRecipient = { signingKey: identity.signing.publicKey, prekey };
  return { identity, store, recipient };
}

const defaultModerator = localModerator();

export interface RequestOptions {
  readonly fields?: Partial<Omit<RequestsCreateInput, 'details'>>;
  /** The plaintext of the details (a short text by default). */
  readonly text?: string;
  readonly sender?: Identity;
  readonly recipients?: readonly EnvelopeRecipient[];
}

/** A `requests.create` payload with a fresh clientId and details really sealed under its context. */
export function requestInput(options: RequestOptions = {}): RequestsCreateInput & {
  readonly plaintext: Uint8Array;
} {
  const fields = {
    clientId: toBase64Url(randomBytes(16)),
    skills: ['legal.military-law'] as RequestsCreateInput['skills'],
    urgency: 'high' as const,
    languages: ['ru'],
    region: 'ru.volga' as const,
    ...options.fields,
  };
  const plaintext = utf8(options.text ?? 'Повестка пришла вчера; нужен юрист.');
  const details = sealEnvelope(
    plaintext,
    options.sender ?? generateIdentity(),
    options.recipients ?? [defaultModerator.recipient],
    { context: requestDetailsContext(fields), now: Date.now() },
  );
  return { ...fields, details: toBase64Url(details), plaintext };
}

/** The wire payload of `requestInput` (without the plaintext the test keeps). */
export function wireRequest(input: ReturnType<typeof requestInput>): EventInput<'requests.create'> {
  const { plaintext: _plaintext, ...payload } = input;
  return payload;
}

/** An `offers.put` payload; with `noteFor`, a note sealed to a moderator under the offer's context. */
export function offerInput(
  overrides: Partial<OfferInput> = {},
  noteFor?: {
    readonly accountId: string;
    readonly sender: Identity;
    readonly recipients?: readonly EnvelopeRecipient[];
  },
): OfferInput {
  const note =
    noteFor === undefined
      ? {}
      : {
          note: toBase64Url(
            sealEnvelope(
              utf8('адвокат, 10 лет практики'),
              noteFor.sender,
              noteFor.recipients ?? [defaultModerator.recipient],
              { context: offerNoteContext(noteFor.accountId), now: Date.now() },
            ),
          ),
        };
  return {
    skills: [
      { code: 'legal.military-law', level: 3 },
      { code: 'words.translation', level: 1 },
    ],
    languages: ['ru', 'en'],
    regions: ['ru.volga', 'abroad.europe'],
    utcOffsetMinutes: 60,
    // Weekday evenings, 17:00–21:00 UTC.
    availability: toBase64Url(
      availabilityMask([0, 1, 2, 3, 4].flatMap((day) => [17, 18, 19, 20].map((h) => day * 24 + h))),
    ),
    capacity: 2,
    paused: false,
    ...note,
    ...overrides,
  };
}

/** Every `requests.changed` pushed to `socket` from now on, and a way to wait for one. */
export function pushes(socket: ClientSocket) {
  const events: RequestsChanged[] = [];
  const waiting: (() => void)[] = [];
  socket.on('requests.changed', (event) => {
    events.push(requestsChangedSchema.parse(event));
    for (const wake of waiting.splice(0)) wake();
  });
  return {
    events,
    /** Resolves with the first event `matches` accepts (already received or still to come). */
    async next(matches: (event: RequestsChanged) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(matches);
        if (found !== undefined) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error('no matching requests.changed push');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiting.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
}
