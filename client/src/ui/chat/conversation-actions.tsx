// What a person can do about a conversation, each asked twice before it happens: close it (with
// a live match: solved or not), block the other person (only the other side of a match; staff
// cannot be blocked, only reported), report them to the moderators with an optional sealed note.
import { useState } from 'preact/hooks';
import { REPORT_REASONS, type ReportReason } from '@kolokol/shared';
import { t } from '../i18n/i18n.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import type { ChatDesk } from './chat-desk.js';

type Step = 'none' | 'close' | 'block' | 'report' | 'reported';

export function ConversationActions({
  desk,
  conversation,
  closed,
  canBlock,
}: {
  desk: ChatDesk;
  conversation: string;
  closed: boolean;
  canBlock: boolean;
}) {
  const [step, setStep] = useState<Step>('none');
  const [reason, setReason] = useState<ReportReason>('harassment');
  const [note, setNote] = useState('');
  const action = useAction();
  const cancel = (
    <button type="button" onClick={() => setStep('none')}>
      {t('chat.cancel')}
    </button>
  );
  return (
    <section class="actions" aria-label={t('chat.actions')}>
      {step === 'none' || step === 'reported' ? (
        <div class="choices">
          {closed ? null : (
            <button type="button" onClick={() => setStep('close')}>
              {t('chat.close')}
            </button>
          )}
          {closed || !canBlock ? null : (
            <button type="button" class="danger" onClick={() => setStep('block')}>
              {t('chat.block')}
            </button>
          )}
          <button type="button" onClick={() => setStep('report')}>
            {t('chat.report')}
          </button>
        </div>
      ) : null}
      {step === 'reported' ? <p role="status">{t('chat.report.sent')}</p> : null}
      {step === 'close' ? (
        <div class="confirm" role="group" aria-label={t('chat.close')}>
          <p>{t('chat.close.question')}</p>
          <div class="choices">
            <button
              type="button"
              class="primary"
              disabled={action.busy}
              onClick={() =>
                void action.run(() =>
                  desk.close(conversation, 'resolved').then(() => setStep('none')),
                )
              }
            >
              {t('chat.close.resolved')}
            </button>
            <button
              type="button"
              disabled={action.busy}
              onClick={() =>
                void action.run(() =>
                  desk.close(conversation, 'closed').then(() => setStep('none')),
                )
              }
            >
              {t('chat.close.closed')}
            </button>
            {cancel}
          </div>
        </div>
      ) : null}
      {step === 'block' ? (
        <div class="confirm" role="group" aria-label={t('chat.block')}>
          <p>{t('chat.block.question')}</p>
          <div class="choices">
            <button
              type="button"
              class="danger"
              disabled={action.busy}
              onClick={() =>
                void action.run(() => desk.block(conversation).then(() => setStep('none')))
              }
            >
              {t('chat.block.yes')}
            </button>
            {cancel}
          </div>
        </div>
      ) : null}
      {step === 'report' ? (
        <form
          class="confirm"
          aria-label={t('chat.report')}
          onSubmit={(event) => {
            event.preventDefault();
            void action.run(async () => {
              await desk.report(conversation, reason, note);
              setNote('');
              setStep('reported');
            });
          }}
        >
          <fieldset class="picker">
            <legend>{t('chat.report.reason')}</legend>
            {REPORT_REASONS.map((code) => (
              <label key={code} class="check">
                <input
                  type="radio"
                  name="reason"
                  value={code}
                  checked={reason === code}
                  onChange={() => setReason(code)}
                />
                <span>{t(`report.reason.${code}`)}</span>
              </label>
            ))}
          </fieldset>
          <label class="field">
            <span>{t('chat.report.note')}</span>
            <textarea
              name="note"
              rows={3}
              value={note}
              onInput={(event) => setNote(event.currentTarget.value)}
            />
          </label>
          <div class="choices">
            <button type="submit" class="primary" disabled={action.busy}>
              {t('chat.report.send')}
            </button>
            {cancel}
          </div>
        </form>
      ) : null}
      <ErrorMessage text={action.error} />
    </section>
  );
}
