// Choosing skills in plain words: the shared taxonomy by group, each skill as the sentence a
// person in trouble would say (`skill.<code>` in the catalogues), the taxonomy's own description
// below it. A checkbox each, so the keyboard and screen readers need nothing special.
import { SKILLS, SKILL_GROUPS, type SkillCode, type SkillGroup } from '@kolokol/shared';
import { language, t } from '../i18n/i18n.js';
import { useObservable } from '../hooks/use-observable.js';

const GROUPS = Object.keys(SKILL_GROUPS) as SkillGroup[];

export function SkillPicker({
  legend,
  chosen,
  max,
  onToggle,
}: {
  legend: string;
  chosen: readonly SkillCode[];
  max: number;
  onToggle: (code: SkillCode) => void;
}) {
  const lang = useObservable(language);
  return (
    <fieldset class="picker">
      <legend>{legend}</legend>
      {GROUPS.map((group) => (
        <div key={group} class="picker-group">
          <p class="picker-group-name">{SKILL_GROUPS[group][lang]}</p>
          {SKILLS.filter((skill) => skill.group === group).map((skill) => {
            const on = chosen.includes(skill.code);
            return (
              <label key={skill.code} class="check">
                <input
                  type="checkbox"
                  name="skill"
                  value={skill.code}
                  checked={on}
                  disabled={!on && chosen.length >= max}
                  onChange={() => onToggle(skill.code)}
                />
                <span>
                  {t(`skill.${skill.code}`)}
                  <span class="hint"> — {skill.description[lang]}</span>
                </span>
              </label>
            );
          })}
        </div>
      ))}
    </fieldset>
  );
}
