// Abuse reports as a real client makes them: the note really sealed (real crypto) to moderators'
// envelope prekeys under the report's context; and a listener for the staff push.
import {
  reportsChangedSchema,
  type ReportReason,
  type ReportsChanged,
  type ReportsCreateInput,
} from '@kolokol/shared';
import {
  generateIdentity,
  reportNoteContext,
  sealEnvelope,
  utf8,
  type EnvelopeRecipient,
  type Identity,
} from '@kolokol/shared/crypto';
import { toBase64Url } from '@kolokol/shared';
import type { ClientSocket } from './client.js';
import { localModerator } from './requests.js';

const defaultModerator = localModerator();

export interface ReportOptions {
  readonly reason?: ReportReason;
  readonly request?: string;
  readonly conversation?: string;
  /** The note's plaintext; no note when null. */
  readonly text?: string | null;
  readonly sender?: Identity;
  readonly recipients?: readonly EnvelopeRecipient[];
}

/** A `reports.create` payload from `reporter` about `subject`, the note sealed under its context. */
export function reportInput(
  reporter: string,
  subject: string,
  options: ReportOptions = {},
): ReportsCreateInput {
  const fields = {
    reporter,
    subject,
    reason: options.reason ?? 'harassment',
    ...(options.request === undefined ? {} : { request: options.request }),
    ...(options.conversation === undefined ? {} : { conversation: options.conversation }),
  };
  const text = options.text === undefined ? 'Пишет мне угрозы каждый день.' : options.text;
  const note =
    text === null
      ? {}
      : {
          note: toBase64Url(
            sealEnvelope(
              utf8(text),
              options.sender ?? generateIdentity(),
              options.recipients ?? [defaultModerator.recipient],
              { context: reportNoteContext(fields), now: Date.now() },
            ),
          ),
        };
  const { reporter: _reporter, ...wire } = fields;
  return { ...wire, ...note };
}

/** Every `reports.changed` pushed to `socket` from now on, and a way to wait for one. */
export function reportPushes(socket: ClientSocket) {
  const events: ReportsChanged[] = [];
  socket.on('reports.changed', (event) => events.push(reportsChangedSchema.parse(event)));
  return {
    events,
    /** Resolves with the first event `matches` accepts, polling for at most `timeoutMs`. */
    async next(matches: (event: ReportsChanged) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(matches);
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error('no matching reports.changed push');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
