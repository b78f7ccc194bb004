// The recovery kit: the account key as 12 words and a QR code, with shared's RECOVERY_KIT_TEXT
// around them. Shown once after registration; later (from settings) only after the passphrase
// opens it again from this device.
import type { RecoveryKit } from '@kolokol/shared/crypto';
import { RECOVERY_KIT_TEXT } from '@kolokol/shared/crypto';
import { useState } from 'preact/hooks';
import { BusyMessage } from '../components/busy-message.js';
import { ErrorMessage } from '../components/error-message.js';
import { QrCode } from '../components/qr-code.js';
import { useAction } from '../hooks/use-action.js';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { START_SIGNED_IN } from '../routes.js';
import { session } from '../session.js';

function KitView({ kit, onDone }: { kit: RecoveryKit; onDone: () => void }) {
  const [saved, setSaved] = useState(false);
  const text = RECOVERY_KIT_TEXT[language.value];
  return (
    <>
      <p>{text.intro}</p>
      <ol class="steps">
        {text.steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <ol class="words" lang="en" data-testid="recovery-words">
        {kit.words.map((word, index) => (
          <li key={index}>{word}</li>
        ))}
      </ol>
      <p class="hint">{text.wordsLanguage}</p>
      <QrCode text={kit.payload} label={t('kit.qr')} />
      <p class="warning">{text.warning}</p>
      <label class="option">
        <input
          type="checkbox"
          name="kit-saved"
          checked={saved}
          onChange={(event) => setSaved(event.currentTarget.checked)}
        />
        {t('kit.saved')}
      </label>
      <button type="button" class="primary" disabled={!saved} onClick={onDone}>
        {t('kit.continue')}
      </button>
    </>
  );
}

function ReopenKit({ onOpened }: { onOpened: (kit: RecoveryKit) => void }) {
  const client = useObservable(session.client);
  const [passphrase, setPassphrase] = useState('');
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    if (client === undefined) return;
    void action.run(async () => onOpened(await client.recoveryKit(passphrase)));
  };
  return (
    <form onSubmit={submit} aria-busy={action.busy}>
      <p>{t('kit.showAgain')}</p>
      <label class="field">
        <span>{t('login.passphrase')}</span>
        <input
          type="password"
          name="passphrase"
          autocomplete="current-password"
          required
          value={passphrase}
          onInput={(event) => setPassphrase(event.currentTarget.value)}
        />
      </label>
      <ErrorMessage text={action.error} />
      <BusyMessage busy={action.busy} text={t('app.busy')} />
      <button type="submit" class="primary" disabled={action.busy}>
        {t('kit.show')}
      </button>
    </form>
  );
}

export function KitScreen() {
  const pending = useObservable(session.pendingKit);
  const [reopened, setReopened] = useState<RecoveryKit | undefined>(undefined);
  const kit = pending ?? reopened;
  const done = () => {
    session.pendingKit.set(undefined);
    setReopened(undefined);
    navigate(START_SIGNED_IN, { replace: true });
  };
  return (
    <section class="screen" aria-labelledby="kit-title">
      <h1 id="kit-title">{RECOVERY_KIT_TEXT[language.value].title}</h1>
      {kit === undefined ? (
        <ReopenKit onOpened={setReopened} />
      ) : (
        <KitView kit={kit} onDone={done} />
      )}
    </section>
  );
}
