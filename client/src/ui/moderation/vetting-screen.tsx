// Vetting volunteers: look up where a volunteer stands, vet them at a tier (`high` counts once two
// different moderators signed it: the first signature shows as waiting for a second), or unvet.
import { useState } from 'preact/hooks';
import type { AuditReason } from '@kolokol/shared/crypto';
import type { RiskTier } from '@kolokol/shared';
import type { KolokolClient } from '@kolokol/client/core';
import { BackButton } from '../components/back-button.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { session } from '../session.js';
import { dateTime } from '../flows/format.js';
import type { VettingStatus } from '../volunteer/volunteer-desk.js';
import { AccountIdField, parseAccountId } from './account-id-field.js';
import { ReasonSelect } from './reason-select.js';

function StatusView({ status, me }: { status: VettingStatus; me: string }) {
  const lang = useObservable(language);
  const endorsed = status.highEndorsedBy ?? [];
  return (
    <div class="card" role="status" data-vetting-tier={status.tier}>
      <p>{t(`mod.tier.${status.tier}`)}</p>
      {status.since === null ? null : (
        <p class="hint">{t('vetting.since', { date: dateTime(status.since, lang) })}</p>
      )}
      {endorsed.length === 0 ? null : (
        <p class="state-warn" data-high-endorsed={endorsed.length}>
          {endorsed.includes(me) ? t('mod.vet.highAwaitingOther') : t('mod.vet.highAwaitingYou')}
        </p>
      )}
    </div>
  );
}

function Vetting({ client }: { client: KolokolClient }) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState<VettingStatus | undefined>(undefined);
  const [reason, setReason] = useState<AuditReason>('safety_risk');
  const action = useAction();
  const account = parseAccountId(text);
  const run = (work: (id: string) => Promise<VettingStatus>) => {
    if (account === undefined) return action.fail(t('mod.accountIdInvalid'));
    void action.run(async () => setStatus(await work(account)));
  };
  const shown = status !== undefined && status.accountId === account ? status : undefined;
  return (
    <section class="screen" aria-labelledby="vetting-title">
      <BackButton to="moderate" />
      <h1 id="vetting-title">{t('mod.vet.title')}</h1>
      <p class="hint">{t('mod.vet.hint')}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          run((id) => client.vetting.status(id));
        }}
      >
        <AccountIdField value={text} onInput={setText} />
        <div class="choices">
          <button type="submit" disabled={action.busy}>
            {t('mod.vet.check')}
          </button>
        </div>
      </form>
      {shown === undefined ? null : <StatusView status={shown} me={client.accountId} />}
      <h2>{t('mod.vet.decide')}</h2>
      <div class="choices">
        {(['standard', 'high'] as const satisfies readonly RiskTier[]).map((tier) => (
          <button
            key={tier}
            type="button"
            disabled={action.busy}
            onClick={() => run(async (id) => (await client.vetting.vet(id, tier)).status)}
          >
            {t(tier === 'high' ? 'mod.vet.high' : 'mod.vet.standard')}
          </button>
        ))}
      </div>
      <ReasonSelect value={reason} onChange={setReason} />
      <div class="choices">
        <button
          type="button"
          disabled={action.busy}
          onClick={() =>
            run(async (id) => {
              await client.vetting.unvet(id, reason);
              return client.vetting.status(id);
            })
          }
        >
          {t('mod.vet.unvet')}
        </button>
      </div>
      <ErrorMessage text={action.error} />
    </section>
  );
}

export function VettingScreen() {
  const client = useObservable(session.client);
  return client === undefined ? null : <Vetting client={client} />;
}
