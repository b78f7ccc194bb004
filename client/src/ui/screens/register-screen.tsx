// Registration: a pseudonymous name, why the person is here (help / helping / staff code), and a
// passphrase — a generated one offered by default, or their own with a strength meter that keeps
// the button off until shared's check accepts it. On success the recovery kit is shown.
import type { SELF_REGISTER_ROLES } from '@kolokol/shared';
import { handleSchema } from '@kolokol/shared';
import { useState } from 'preact/hooks';
import { BackButton } from '../components/back-button.js';
import { BusyMessage } from '../components/busy-message.js';
import { ErrorMessage } from '../components/error-message.js';
import { PassphraseChoice, usePassphraseChoice } from '../components/passphrase-choice.js';
import { useAction } from '../hooks/use-action.js';
import { t, type MessageKey } from '../i18n/i18n.js';
import { navigate } from '../router.js';
import { session } from '../session.js';

type RoleChoice = (typeof SELF_REGISTER_ROLES)[number] | 'staff';

const ROLE_LABELS: Readonly<Record<RoleChoice, MessageKey>> = {
  contact: 'register.roleContact',
  volunteer: 'register.roleVolunteer',
  staff: 'register.roleStaff',
};

export function RegisterScreen() {
  const [handle, setHandle] = useState('');
  const [role, setRole] = useState<RoleChoice>('contact');
  const [enrolmentCode, setEnrolmentCode] = useState('');
  const choice = usePassphraseChoice();
  const [writtenDown, setWrittenDown] = useState(false);
  const action = useAction('register');
  const ready = writtenDown && choice.acceptable && !action.busy;

  const submit = (event: Event) => {
    event.preventDefault();
    const parsed = handleSchema.safeParse(handle);
    if (!parsed.success) return action.fail(t('errors.handleInvalid'));
    void action.run(async () => {
      await session.register({
        handle: parsed.data,
        passphrase: choice.passphrase,
        ...(role === 'staff' ? { enrolmentCode: enrolmentCode.trim() } : { role }),
      });
      navigate('kit', { replace: true });
    });
  };

  return (
    <section class="screen" aria-labelledby="register-title">
      <BackButton to="welcome" />
      <h1 id="register-title">{t('register.title')}</h1>
      <form onSubmit={submit} aria-busy={action.busy}>
        <label class="field">
          <span>{t('register.handle')}</span>
          <input
            name="handle"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            value={handle}
            aria-describedby="handle-hint"
            onInput={(event) => setHandle(event.currentTarget.value)}
          />
          <small class="hint" id="handle-hint">
            {t('register.handleHint')}
          </small>
        </label>

        <fieldset class="field">
          <legend>{t('register.role')}</legend>
          {(Object.keys(ROLE_LABELS) as RoleChoice[]).map((choice) => (
            <label key={choice} class="option">
              <input
                type="radio"
                name="role"
                value={choice}
                checked={role === choice}
                onChange={() => setRole(choice)}
              />
              {t(ROLE_LABELS[choice])}
            </label>
          ))}
          {role === 'staff' ? (
            <label class="field">
              <span>{t('register.enrolmentCode')}</span>
              <input
                name="enrolment-code"
                autocomplete="off"
                spellcheck={false}
                required
                value={enrolmentCode}
                onInput={(event) => setEnrolmentCode(event.currentTarget.value)}
              />
            </label>
          ) : null}
        </fieldset>

        <PassphraseChoice
          choice={choice}
          legend={t('register.passphrase')}
          name="passphrase"
          kindName="passphrase-kind"
          handle={handle}
        />

        <label class="option">
          <input
            type="checkbox"
            name="written-down"
            checked={writtenDown}
            onChange={(event) => setWrittenDown(event.currentTarget.checked)}
          />
          {t('register.writtenDown')}
        </label>

        <ErrorMessage text={action.error} />
        <BusyMessage busy={action.busy} text={t('register.working')} />
        <button type="submit" class="primary" disabled={!ready}>
          {t('register.submit')}
        </button>
      </form>
    </section>
  );
}
