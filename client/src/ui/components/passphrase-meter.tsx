// The strength of a passphrase the person chose, by shared's checkPassphraseStrength (the same
// check prepareRegistration enforces): a meter, and the problem in words until it is acceptable.
import {
  checkPassphraseStrength,
  RECOVERY_KIT_TEXT,
  type PassphraseStrength,
} from '@kolokol/shared/crypto';
import { useEffect, useState } from 'preact/hooks';
import { language, t } from '../i18n/i18n.js';

/** Waits this long after the last keystroke before estimating (the estimate is not free). */
const ESTIMATE_DELAY_MS = 250;

export function PassphraseMeter({
  passphrase,
  handle,
  deployment,
  onChange,
}: {
  passphrase: string;
  handle: string;
  deployment: string;
  onChange: (acceptable: boolean) => void;
}) {
  const [strength, setStrength] = useState<PassphraseStrength | undefined>(undefined);
  useEffect(() => {
    let current = true;
    setStrength(undefined);
    onChange(false);
    const timer = setTimeout(() => {
      void checkPassphraseStrength(passphrase, { handle, deployment }).then((next) => {
        if (!current) return;
        setStrength(next);
        onChange(next.acceptable);
      });
    }, ESTIMATE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // onChange is the parent's state setter, the same function every render.
  }, [passphrase, handle, deployment, onChange]);

  if (passphrase === '') return null;
  const problem = strength?.problems[0];
  return (
    <div class="strength" id="passphrase-strength">
      <label>
        <span class="visually-hidden">{t('register.strength')}</span>
        <meter
          class="meter"
          min={0}
          max={4}
          low={2}
          high={3}
          optimum={4}
          value={strength?.score ?? 0}
        />
      </label>
      <p class={problem === undefined ? 'hint' : 'error'} aria-live="polite">
        {strength === undefined
          ? t('register.strengthChecking')
          : problem === undefined
            ? t('register.strengthGood')
            : RECOVERY_KIT_TEXT[language.value].passphraseProblems[problem]}
      </p>
    </div>
  );
}
