// Asking for help: what about (plain words), how urgent, in which languages, roughly where, and
// the details — sealed on this device to the moderators before anything is sent.
import { useState } from 'preact/hooks';
import {
  MAX_REQUEST_LANGUAGES,
  MAX_REQUEST_SKILLS,
  REGIONS,
  URGENCIES,
  type RegionCode,
} from '@kolokol/shared';
import type { KolokolClient } from '@kolokol/client/core';
import { BackButton } from '../components/back-button.js';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { LanguagePicker } from '../flows/language-picker.js';
import { ProblemList } from '../flows/problem-list.js';
import { SkillPicker } from '../flows/skill-picker.js';
import {
  emptyRequestDraft,
  toNewRequest,
  toggleRequestLanguage,
  toggleRequestSkill,
  type RequestProblem,
} from './request-draft.js';

function RequestForm({ client }: { client: KolokolClient }) {
  const lang = useObservable(language);
  const [draft, setDraft] = useState(() => emptyRequestDraft(lang));
  const [problems, setProblems] = useState<readonly RequestProblem[]>([]);
  const action = useAction();

  const submit = (event: Event) => {
    event.preventDefault();
    const made = toNewRequest(draft);
    if (!made.ok) {
      setProblems(made.problems);
      return;
    }
    setProblems([]);
    void action.run(async () => {
      await client.requests.create(made.request);
      navigate('contact');
    });
  };

  return (
    <section class="screen" aria-labelledby="ask-title">
      <BackButton to="contact" />
      <h1 id="ask-title">{t('requestForm.title')}</h1>
      <p class="hint">{t('requestForm.intro')}</p>
      <form onSubmit={submit} noValidate>
        <SkillPicker
          legend={t('requestForm.skills', { max: MAX_REQUEST_SKILLS })}
          chosen={draft.skills}
          max={MAX_REQUEST_SKILLS}
          onToggle={(code) => setDraft(toggleRequestSkill(draft, code))}
        />
        <fieldset class="picker">
          <legend>{t('requestForm.urgency')}</legend>
          {URGENCIES.map((urgency) => (
            <label key={urgency} class="check">
              <input
                type="radio"
                name="urgency"
                value={urgency}
                checked={draft.urgency === urgency}
                onChange={() => setDraft({ ...draft, urgency })}
              />
              <span>{t(`urgency.${urgency}`)}</span>
            </label>
          ))}
        </fieldset>
        <LanguagePicker
          legend={t('requestForm.languages')}
          chosen={draft.languages}
          max={MAX_REQUEST_LANGUAGES}
          onToggle={(code) => setDraft(toggleRequestLanguage(draft, code))}
        />
        <label class="field">
          <span>{t('requestForm.region')}</span>
          <select
            name="region"
            value={draft.region ?? ''}
            aria-describedby="ask-region-hint"
            onChange={(event) =>
              setDraft({
                ...draft,
                region:
                  event.currentTarget.value === ''
                    ? null
                    : (event.currentTarget.value as RegionCode),
              })
            }
          >
            <option value="">{t('requestForm.regionNone')}</option>
            {REGIONS.map((region) => (
              <option key={region.code} value={region.code}>
                {region.label[lang]}
              </option>
            ))}
          </select>
          <span id="ask-region-hint" class="hint">
            {t('requestForm.regionHint')}
          </span>
        </label>
        <label class="field">
          <span>{t('requestForm.details')}</span>
          <textarea
            name="details"
            rows={6}
            value={draft.details}
            aria-describedby="ask-details-hint"
            onInput={(event) => setDraft({ ...draft, details: event.currentTarget.value })}
          />
          <span id="ask-details-hint" class="hint">
            {t('requestForm.detailsHint')}
          </span>
        </label>
        <ProblemList problems={problems.map((problem) => t(`request.problem.${problem}`))} />
        <ErrorMessage text={action.error} />
        <div class="choices">
          <button type="submit" class="primary" disabled={action.busy}>
            {action.busy ? t('requestForm.sending') : t('requestForm.send')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function RequestFormScreen() {
  const client = useObservable(session.client);
  return client === undefined ? null : <RequestForm client={client} />;
}
