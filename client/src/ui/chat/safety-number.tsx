// The safety number with the other person (the core computes it from the identities pinned at
// first contact): twelve groups of five digits to read aloud, the same number as a QR code for the
// other phone to scan, and a field where the code scanned (with the camera: components/qr-scanner)
// or typed from the other person's screen is compared with this one (client.safety.compare); a
// scanned code is compared at once. Until the first message no identity is pinned, and it says so.
import type { SafetyNumbers } from '@kolokol/client/core';
import { useState } from 'preact/hooks';
import { QrCode } from '../components/qr-code.js';
import { QrScanner } from '../components/qr-scanner.js';
import { useAction } from '../hooks/use-action.js';
import { t } from '../i18n/i18n.js';

export function SafetyNumberPanel({ safety, peer }: { safety: SafetyNumbers; peer: string }) {
  let number;
  try {
    number = safety.of(peer);
  } catch {
    number = undefined;
  }
  return (
    <details class="safety">
      <summary>{t('chat.safety')}</summary>
      {number === undefined ? (
        <p class="hint">{t('chat.safety.none')}</p>
      ) : (
        <>
          <p class="safety-digits" data-digits={number.digits}>
            {number.display}
          </p>
          <QrCode text={number.code} label={t('chat.safety.qr')} />
          <p class="hint">{t('chat.safety.hint')}</p>
          <SafetyCompare safety={safety} peer={peer} />
        </>
      )}
    </details>
  );
}

function SafetyCompare({ safety, peer }: { safety: SafetyNumbers; peer: string }) {
  const [scanned, setScanned] = useState('');
  const [same, setSame] = useState<boolean | undefined>(undefined);
  const action = useAction();
  const compare = (event: Event) => {
    event.preventDefault();
    setSame(undefined);
    void action.run(async () => {
      try {
        setSame(safety.compare(peer, scanned));
      } catch {
        action.fail(t('chat.safety.unreadable'));
      }
      return Promise.resolve();
    });
  };
  /** A scanned code: compared at once; one that is no safety number changes nothing. */
  const compareScanned = (text: string): string | undefined => {
    let result: boolean;
    try {
      result = safety.compare(peer, text);
    } catch {
      return `${t('chat.safety.unreadable')} ${t('scan.nothingChanged')}`;
    }
    setScanned(text);
    setSame(result);
    void action.run(() => Promise.resolve()); // clears an earlier typed attempt's error
    return undefined;
  };
  return (
    <form class="safety-compare" onSubmit={compare}>
      <QrScanner label={t('chat.safety.scan')} onRead={compareScanned} />
      <label class="field">
        <span>{t('chat.safety.compareLabel')}</span>
        <input
          name="safety-code"
          autocomplete="off"
          spellcheck={false}
          value={scanned}
          onInput={(event) => setScanned(event.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={action.busy || scanned.trim() === ''}>
        {t('chat.safety.compare')}
      </button>
      {same === undefined ? null : (
        <p
          role="status"
          class={same ? 'hint' : 'state-warn'}
          data-safety-match={same ? 'same' : 'different'}
        >
          {same ? t('chat.safety.same') : t('chat.safety.different')}
        </p>
      )}
      {action.error === undefined ? null : (
        <p role="alert" class="state-warn">
          {action.error}
        </p>
      )}
    </form>
  );
}
