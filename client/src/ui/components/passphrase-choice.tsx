// The new passphrase, at registration and when changing it: a generated one offered by default
// (another on request), or the person's own, which counts only once the strength meter accepts
// it. The state is the screen's (usePassphraseChoice), so the screen can clear it after use.
import { generatePassphrase, RECOVERY_KIT_TEXT } from '@kolokol/shared/crypto';
import { useState } from 'preact/hooks';
import { DEPLOYMENT } from '../deployment.js';
import { language, t } from '../i18n/i18n.js';
import { PassphraseMeter } from './passphrase-meter.js';

export interface PassphraseChoiceState {
  readonly generated: string;
  readonly useOwn: boolean;
  readonly own: string;
  /** The passphrase chosen: the generated one, or the person's own. */
  readonly passphrase: string;
  /** False while the person's own is chosen and the meter refuses it. */
  readonly acceptable: boolean;
  readonly setUseOwn: (useOwn: boolean) => void;
  readonly setOwn: (own: string) => void;
  readonly setOwnAcceptable: (acceptable: boolean) => void;
  readonly another: () => void;
}

export function usePassphraseChoice(): PassphraseChoiceState {
  const [generated, setGenerated] = useState(() => generatePassphrase());
  const [useOwn, setUseOwn] = useState(false);
  const [own, setOwn] = useState('');
  const [ownAcceptable, setOwnAcceptable] = useState(false);
  return {
    generated,
    useOwn,
    own,
    passphrase: useOwn ? own : generated,
    acceptable: !useOwn || ownAcceptable,
    setUseOwn,
    setOwn,
    setOwnAcceptable,
    another: () => setGenerated(generatePassphrase()),
  };
}

export function PassphraseChoice({
  choice,
  legend,
  name,
  kindName,
  handle,
}: {
  choice: PassphraseChoiceState;
  legend: string;
  /** The own passphrase's input name. */
  name: string;
  /** The radio group's name. */
  kindName: string;
  /** The account's name, which the meter refuses inside a passphrase. */
  handle: string;
}) {
  return (
    <fieldset class="field">
      <legend>{legend}</legend>
      <label class="option">
        <input
          type="radio"
          name={kindName}
          checked={!choice.useOwn}
          onChange={() => choice.setUseOwn(false)}
        />
        {t('register.useGenerated')}
      </label>
      <label class="option">
        <input
          type="radio"
          name={kindName}
          checked={choice.useOwn}
          onChange={() => choice.setUseOwn(true)}
        />
        {t('register.useOwn')}
      </label>
      {choice.useOwn ? (
        <>
          <label class="field">
            <span>{t('register.ownPassphrase')}</span>
            <input
              type="password"
              name={name}
              autocomplete="new-password"
              value={choice.own}
              aria-describedby="passphrase-strength"
              onInput={(event) => choice.setOwn(event.currentTarget.value)}
            />
          </label>
          <PassphraseMeter
            passphrase={choice.own}
            handle={handle}
            deployment={DEPLOYMENT}
            onChange={choice.setOwnAcceptable}
          />
        </>
      ) : (
        <>
          <p class="passphrase" data-testid="generated-passphrase">
            {choice.generated}
          </p>
          <p class="hint">{RECOVERY_KIT_TEXT[language.value].generatedPassphrase}</p>
          <button type="button" onClick={choice.another}>
            {t('register.another')}
          </button>
        </>
      )}
    </fieldset>
  );
}
