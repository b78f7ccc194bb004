// Changing the passphrase (client.changePassphrase: the account key re-sealed on this device and
// the login key rekeyed on the server). The new one is a generated passphrase by default, or the
// person's own that the strength meter accepts; optionally a new account key too, whose recovery
// kit is then shown once (the old kit stops working). Other devices are signed out and log in once
// with the previous passphrase (docs/client.md).
import { useState } from 'preact/hooks';
import { BackButton } from '../components/back-button.js';
import { BusyMessage } from '../components/busy-message.js';
import { ErrorMessage } from '../components/error-message.js';
import { PassphraseChoice, usePassphraseChoice } from '../components/passphrase-choice.js';
import { useAction } from '../hooks/use-action.js';
import { useObservable } from '../hooks/use-observable.js';
import { t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';

export function PassphraseScreen() {
  const client = useObservable(session.client);
  const action = useAction();
  const [current, setCurrent] = useState('');
  const choice = usePassphraseChoice();
  const [rotate, setRotate] = useState(false);
  const [written, setWritten] = useState(false);
  const [done, setDone] = useState<number | undefined>(undefined);
  const ready = current !== '' && written && choice.acceptable && client !== undefined;

  const submit = (event: Event) => {
    event.preventDefault();
    if (!ready) return;
    void action.run(async () => {
      const changed = await client.changePassphrase({
        current,
        next: choice.passphrase,
        rotateAccountKey: rotate,
      });
      setCurrent('');
      choice.setOwn('');
      if (changed.kit !== undefined) {
        session.pendingKit.set(changed.kit);
        navigate('kit', { replace: true });
        return;
      }
      setDone(changed.revokedSessions);
    });
  };

  return (
    <section class="screen" aria-labelledby="passphrase-title">
      <BackButton to="settings" />
      <h1 id="passphrase-title">{t('passphrase.title')}</h1>
      {done !== undefined ? (
        <p role="status" data-passphrase-changed={done}>
          {t('passphrase.changed', { count: done })}
        </p>
      ) : null}
      <form onSubmit={submit} aria-busy={action.busy}>
        <label class="field">
          <span>{t('passphrase.current')}</span>
          <input
            type="password"
            name="current-passphrase"
            autocomplete="current-password"
            required
            value={current}
            onInput={(event) => setCurrent(event.currentTarget.value)}
          />
        </label>
        <PassphraseChoice
          choice={choice}
          legend={t('passphrase.next')}
          name="next-passphrase"
          kindName="next-kind"
          handle={client?.handle ?? ''}
        />
        <label class="option">
          <input
            type="checkbox"
            name="rotate"
            checked={rotate}
            onChange={(event) => setRotate(event.currentTarget.checked)}
          />
          {t('passphrase.rotate')}
        </label>
        <label class="option">
          <input
            type="checkbox"
            name="written-down"
            checked={written}
            onChange={(event) => setWritten(event.currentTarget.checked)}
          />
          {t('passphrase.written')}
        </label>
        <p class="hint">{t('passphrase.otherDevices')}</p>
        <ErrorMessage text={action.error} />
        <BusyMessage busy={action.busy} text={t('app.busy')} />
        <button type="submit" class="primary" disabled={!ready || action.busy}>
          {t('passphrase.submit')}
        </button>
      </form>
    </section>
  );
}
