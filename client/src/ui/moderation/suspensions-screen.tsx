// Suspending an account (its sessions end at once and it cannot log in) and lifting a suspension,
// each a decision signed on this device. Suspending from a report is on the reports screen.
import { useState } from 'preact/hooks';
import type { AuditReason } from '@kolokol/shared/crypto';
import type { KolokolClient } from '@kolokol/client/core';
import { BackButton } from '../components/back-button.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { useObservable } from '../hooks/use-observable.js';
import { t, type MessageKey } from '../i18n/i18n.js';
import { session } from '../session.js';
import { AccountIdField, parseAccountId } from './account-id-field.js';
import { ReasonSelect } from './reason-select.js';

function Suspensions({ client }: { client: KolokolClient }) {
  const [text, setText] = useState('');
  const [reason, setReason] = useState<AuditReason>('abuse');
  const [done, setDone] = useState<MessageKey | undefined>(undefined);
  const action = useAction();
  const run = (work: (id: string) => Promise<MessageKey>) => {
    setDone(undefined);
    const account = parseAccountId(text);
    if (account === undefined) return action.fail(t('mod.accountIdInvalid'));
    void action.run(async () => setDone(await work(account)));
  };
  return (
    <section class="screen" aria-labelledby="suspensions-title">
      <BackButton to="moderate" />
      <h1 id="suspensions-title">{t('mod.suspend.title')}</h1>
      <p class="hint">{t('mod.suspend.hint')}</p>
      <AccountIdField value={text} onInput={setText} />
      <ReasonSelect value={reason} onChange={setReason} />
      <div class="choices">
        <button
          type="button"
          class="danger"
          disabled={action.busy}
          onClick={() =>
            run(async (id) => {
              await client.suspensions.suspend(id, reason);
              return 'mod.suspend.done';
            })
          }
        >
          {t('mod.suspend.suspend')}
        </button>
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            run(async (id) => {
              await client.suspensions.reinstate(id, reason);
              return 'mod.suspend.reinstated';
            })
          }
        >
          {t('mod.suspend.reinstate')}
        </button>
      </div>
      {done === undefined ? null : (
        <p class="state" role="status">
          {t(done)}
        </p>
      )}
      <ErrorMessage text={action.error} />
    </section>
  );
}

export function SuspensionsScreen() {
  const client = useObservable(session.client);
  return client === undefined ? null : <Suspensions client={client} />;
}
