// Choosing the languages one can talk in: a checkbox each, named by the browser in the person's
// language (languages.ts), any already chosen outside the short list kept and shown too.
import { language } from '../i18n/i18n.js';
import { useObservable } from '../hooks/use-observable.js';
import { PICKER_LANGUAGES, languageName } from './languages.js';

export function LanguagePicker({
  legend,
  chosen,
  max,
  onToggle,
}: {
  legend: string;
  chosen: readonly string[];
  max: number;
  onToggle: (code: string) => void;
}) {
  const lang = useObservable(language);
  const codes = [
    ...PICKER_LANGUAGES,
    ...chosen.filter((code) => !(PICKER_LANGUAGES as readonly string[]).includes(code)),
  ];
  return (
    <fieldset class="picker picker-columns">
      <legend>{legend}</legend>
      {codes.map((code) => {
        const on = chosen.includes(code);
        return (
          <label key={code} class="check">
            <input
              type="checkbox"
              name="language"
              value={code}
              checked={on}
              disabled={!on && chosen.length >= max}
              onChange={() => onToggle(code)}
            />
            <span>{languageName(code, lang)}</span>
          </label>
        );
      })}
    </fieldset>
  );
}
