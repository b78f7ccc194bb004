// The disappearing-message timer, shown always and changed by either side (1 hour to 4 weeks):
// the change reaches the other person by the core's `changed`.
import { language, t } from '../i18n/i18n.js';
import { useObservable } from '../hooks/use-observable.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { TIMER_CHOICES, timerLabel } from './timer.js';

export function TimerSelect({
  ttlSeconds,
  disabled,
  change,
}: {
  ttlSeconds: number;
  disabled: boolean;
  change: (ttlSeconds: number) => Promise<unknown>;
}) {
  const lang = useObservable(language);
  const action = useAction();
  const choices = TIMER_CHOICES.includes(ttlSeconds)
    ? TIMER_CHOICES
    : [...TIMER_CHOICES, ttlSeconds].sort((a, b) => a - b);
  return (
    <div class="timer">
      <label class="field">
        <span>{t('chat.timer.label')}</span>
        <select
          name="timer"
          value={String(ttlSeconds)}
          disabled={disabled || action.busy}
          aria-describedby="timer-hint"
          onChange={(event) => {
            const next = Number(event.currentTarget.value);
            void action.run(async () => {
              await change(next);
            });
          }}
        >
          {choices.map((seconds) => (
            <option key={seconds} value={String(seconds)}>
              {timerLabel(seconds, lang)}
            </option>
          ))}
        </select>
        <span id="timer-hint" class="hint">
          {t('chat.timer.hint')}
        </span>
      </label>
      <ErrorMessage text={action.error} />
    </div>
  );
}
