// The volunteer's offer: topics and experience in each, languages, regions, how many people at
// once, the hours of the week in their own time, a pause, and a note sealed to the moderators.
import { useEffect, useState } from 'preact/hooks';
import {
  MAX_OFFER_CAPACITY,
  MAX_OFFER_LANGUAGES,
  MAX_OFFER_SKILLS,
  REGIONS,
  SKILL_LEVELS,
  type SkillLevel,
} from '@kolokol/shared';
import type { KolokolClient } from '@kolokol/client/core';
import { BackButton } from '../components/back-button.js';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { ErrorNotice } from '../flows/error-notice.js';
import { LanguagePicker } from '../flows/language-picker.js';
import { ProblemList } from '../flows/problem-list.js';
import { SkillPicker } from '../flows/skill-picker.js';
import {
  offerDraft,
  setSkillLevel,
  toNewOffer,
  toggleBlock,
  toggleOfferLanguage,
  toggleOfferRegion,
  toggleOfferSkill,
  type OfferDraft,
  type OfferProblem,
} from './offer-draft.js';
import { VolunteerDesk } from './volunteer-desk.js';
import { WeeklyHoursGrid } from './weekly-hours-grid.js';
import { localUtcOffsetMinutes } from './weekly-hours.js';

function utcLabel(minutes: number): string {
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  const rest = abs % 60;
  return `${sign}${Math.floor(abs / 60)}${rest === 0 ? '' : `:${String(rest).padStart(2, '0')}`}`;
}

function OfferFields({ desk, initial }: { desk: VolunteerDesk; initial: OfferDraft }) {
  const lang = useObservable(language);
  const [draft, setDraft] = useState(initial);
  const [problems, setProblems] = useState<readonly OfferProblem[]>([]);
  const action = useAction();

  const submit = (event: Event) => {
    event.preventDefault();
    const made = toNewOffer(draft);
    if (!made.ok) {
      setProblems(made.problems);
      return;
    }
    setProblems([]);
    void action.run(async () => {
      await desk.saveOffer(made.offer, made.keptNote);
      navigate('volunteer');
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <SkillPicker
        legend={t('offerForm.skills', { max: MAX_OFFER_SKILLS })}
        chosen={draft.skills.map((skill) => skill.code)}
        max={MAX_OFFER_SKILLS}
        onToggle={(code) => setDraft(toggleOfferSkill(draft, code))}
      />
      {draft.skills.map((skill) => (
        <label key={skill.code} class="field">
          <span>{t('offerForm.level', { skill: t(`skill.${skill.code}`) })}</span>
          <select
            value={String(skill.level)}
            onChange={(event) =>
              setDraft(
                setSkillLevel(draft, skill.code, Number(event.currentTarget.value) as SkillLevel),
              )
            }
          >
            {SKILL_LEVELS.map((level) => (
              <option key={level} value={String(level)}>
                {t(`level.${level}`)}
              </option>
            ))}
          </select>
        </label>
      ))}
      <LanguagePicker
        legend={t('offerForm.languages')}
        chosen={draft.languages}
        max={MAX_OFFER_LANGUAGES}
        onToggle={(code) => setDraft(toggleOfferLanguage(draft, code))}
      />
      <fieldset class="picker picker-columns">
        <legend>{t('offerForm.regions')}</legend>
        {REGIONS.map((region) => (
          <label key={region.code} class="check">
            <input
              type="checkbox"
              name="region"
              value={region.code}
              checked={draft.regions.includes(region.code)}
              onChange={() => setDraft(toggleOfferRegion(draft, region.code))}
            />
            <span>{region.label[lang]}</span>
          </label>
        ))}
      </fieldset>
      <label class="field">
        <span>{t('offerForm.capacity', { max: MAX_OFFER_CAPACITY })}</span>
        <input
          type="number"
          name="capacity"
          min={1}
          max={MAX_OFFER_CAPACITY}
          value={draft.capacity}
          onInput={(event) => setDraft({ ...draft, capacity: Number(event.currentTarget.value) })}
        />
      </label>
      <WeeklyHoursGrid
        legend={t('offerForm.hours', { offset: utcLabel(draft.utcOffsetMinutes) })}
        blocks={draft.blocks}
        onToggle={(index) => setDraft(toggleBlock(draft, index))}
      />
      <label class="check">
        <input
          type="checkbox"
          name="paused"
          checked={draft.paused}
          onChange={() => setDraft({ ...draft, paused: !draft.paused })}
        />
        <span>{t('offerForm.paused')}</span>
      </label>
      <label class="field">
        <span>{t('offerForm.note')}</span>
        <textarea
          name="note"
          rows={3}
          value={draft.note}
          aria-describedby="offer-note-hint"
          onInput={(event) => setDraft({ ...draft, note: event.currentTarget.value })}
        />
        <span id="offer-note-hint" class="hint">
          {t('offerForm.noteHint')} {draft.keptNote === null ? '' : t('offerForm.noteKept')}
        </span>
      </label>
      <ProblemList
        problems={problems.map((problem) =>
          t(`offer.problem.${problem}`, { max: MAX_OFFER_CAPACITY }),
        )}
      />
      <ErrorMessage text={action.error} />
      <div class="choices">
        <button type="submit" class="primary" disabled={action.busy}>
          {action.busy ? t('offerForm.saving') : t('offerForm.save')}
        </button>
      </div>
    </form>
  );
}

function OfferForm({ client }: { client: KolokolClient }) {
  const lang = useObservable(language);
  const [desk] = useState(() => new VolunteerDesk(client));
  const [initial, setInitial] = useState<OfferDraft | undefined>(undefined);
  const [failed, setFailed] = useState<unknown>(undefined);
  useEffect(() => {
    desk
      .loadOffer()
      .then(() => setInitial(offerDraft(desk.offer.value ?? null, lang, localUtcOffsetMinutes())))
      .catch(setFailed);
    return () => desk.stop();
  }, [desk]);
  return (
    <section class="screen" aria-labelledby="offer-title">
      <BackButton to="volunteer" />
      <h1 id="offer-title">{t('offerForm.title')}</h1>
      <ErrorNotice error={failed} />
      {initial === undefined ? (
        <p role="status">{t('volunteer.loading')}</p>
      ) : (
        <OfferFields desk={desk} initial={initial} />
      )}
    </section>
  );
}

export function OfferFormScreen() {
  const client = useObservable(session.client);
  return client === undefined ? null : <OfferForm client={client} />;
}
