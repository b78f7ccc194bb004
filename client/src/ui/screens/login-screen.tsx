// Logging in: name and passphrase on a device that holds the account key; on a new device also
// the recovery kit (its 12 words, or the QR code's text, typed or scanned with the camera), and
// the device is added to the account. A scanned kit also fills in the name when none is typed
// yet; a scanned code that is not this server's kit is refused in words and changes nothing.
import {
  parseRecoveryPayload,
  parseRecoveryWords,
  RECOVERY_PAYLOAD_PREFIX,
} from '@kolokol/shared/crypto';
import { useState } from 'preact/hooks';
import { BackButton } from '../components/back-button.js';
import { BusyMessage } from '../components/busy-message.js';
import { ErrorMessage } from '../components/error-message.js';
import { QrScanner } from '../components/qr-scanner.js';
import { DEPLOYMENT } from '../deployment.js';
import { describeError } from '../errors.js';
import { useAction } from '../hooks/use-action.js';
import { t } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { START_SIGNED_IN } from '../routes.js';
import { session } from '../session.js';

/** The account key from the kit as typed: the QR code's text, or the 12 words. */
function accountKeyFrom(kit: string): Uint8Array {
  return kit.trim().toUpperCase().startsWith(RECOVERY_PAYLOAD_PREFIX)
    ? parseRecoveryPayload(kit, { expectedDeployment: DEPLOYMENT }).accountKey
    : parseRecoveryWords(kit);
}

/**
 * A scanned QR code's text, when it is this server's recovery kit (its QR code: a QR code showing
 * anything else is not a kit): the kit's handle; otherwise why not, in words.
 */
function scannedKit(scanned: string): { handle: string } | { problem: string } {
  try {
    return { handle: parseRecoveryPayload(scanned, { expectedDeployment: DEPLOYMENT }).handle };
  } catch (error) {
    return { problem: `${describeError(error)} ${t('scan.nothingChanged')}` };
  }
}

export function LoginScreen() {
  const [handle, setHandle] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [newDevice, setNewDevice] = useState(false);
  const [kit, setKit] = useState('');
  const action = useAction('login');

  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(async () => {
      const accountKey = newDevice ? accountKeyFrom(kit) : undefined;
      await session.login({ handle, passphrase, ...(accountKey ? { accountKey } : {}) });
      navigate(START_SIGNED_IN, { replace: true });
    });
  };

  return (
    <section class="screen" aria-labelledby="login-title">
      <BackButton to="welcome" />
      <h1 id="login-title">{t('login.title')}</h1>
      <form onSubmit={submit} aria-busy={action.busy}>
        <label class="field">
          <span>{t('login.handle')}</span>
          <input
            name="handle"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            value={handle}
            onInput={(event) => setHandle(event.currentTarget.value)}
          />
        </label>
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
        <label class="option">
          <input
            type="checkbox"
            name="new-device"
            checked={newDevice}
            onChange={(event) => setNewDevice(event.currentTarget.checked)}
          />
          {t('login.newDevice')}
        </label>
        {newDevice ? (
          <label class="field">
            <span>{t('login.kit')}</span>
            <textarea
              name="kit"
              rows={3}
              autocapitalize="none"
              autocomplete="off"
              spellcheck={false}
              required
              value={kit}
              onInput={(event) => setKit(event.currentTarget.value)}
            />
          </label>
        ) : null}
        {newDevice ? (
          <QrScanner
            label={t('login.scanKit')}
            readText={t('login.kitRead')}
            onRead={(scanned) => {
              const read = scannedKit(scanned);
              if ('problem' in read) return read.problem;
              setKit(scanned.trim());
              // The kit names its account: a name not typed yet is filled in from it.
              if (handle.trim() === '') setHandle(read.handle);
              return undefined;
            }}
          />
        ) : null}
        <ErrorMessage text={action.error} />
        <BusyMessage busy={action.busy} text={t('login.working')} />
        <button type="submit" class="primary" disabled={action.busy}>
          {t('login.submit')}
        </button>
      </form>
    </section>
  );
}
