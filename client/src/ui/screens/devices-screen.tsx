// The account's devices, from the list verified against the account's identity (the core checks
// it), with this device marked and a way to remove any other.
import type { VerifiedDeviceList } from '@kolokol/shared/crypto';
import { useEffect, useState } from 'preact/hooks';
import { BackButton } from '../components/back-button.js';
import { BusyMessage } from '../components/busy-message.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';
import { useObservable } from '../hooks/use-observable.js';
import { language, t } from '../i18n/i18n.js';
import { session } from '../session.js';

/** How a device is named to a person: the start of its id (ids are random). */
const shortId = (deviceId: string) => deviceId.slice(0, 8);

export function DevicesScreen() {
  const client = useObservable(session.client);
  const [list, setList] = useState<VerifiedDeviceList | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const action = useAction();
  useEffect(() => {
    if (client !== undefined) void action.run(async () => setList(await client.devices.list()));
    // Loaded once per client; `action` is a fresh object each render.
  }, [client]);
  if (client === undefined) return null;
  const dates = new Intl.DateTimeFormat(language.value, { dateStyle: 'long', timeStyle: 'short' });

  const remove = (deviceId: string) => {
    if (!confirm(t('devices.confirmRemove', { id: shortId(deviceId) }))) return;
    setNotice(undefined);
    void action.run(async () => {
      await client.devices.remove(deviceId);
      setList(await client.devices.list());
      setNotice(t('devices.removed'));
    });
  };

  return (
    <section class="screen" aria-labelledby="devices-title">
      <BackButton to="home" />
      <h1 id="devices-title">{t('devices.title')}</h1>
      <p>{t('devices.intro')}</p>
      <ErrorMessage text={action.error} />
      <BusyMessage busy={action.busy} text={t('app.busy')} />
      {notice === undefined ? null : <p role="status">{notice}</p>}
      <ul class="list" data-testid="devices">
        {(list?.devices ?? []).map((device) => (
          <li key={device.deviceId} data-device={device.deviceId}>
            <span>
              <strong class="device-id">{shortId(device.deviceId)}</strong>
              {device.deviceId === client.deviceId ? ` · ${t('devices.this')}` : null}
              <br />
              <small class="hint">
                {t('devices.added', { date: dates.format(new Date(device.addedAt)) })}
              </small>
            </span>
            {device.deviceId === client.deviceId ? null : (
              <button
                type="button"
                aria-label={t('devices.removeNamed', { id: shortId(device.deviceId) })}
                disabled={action.busy}
                onClick={() => remove(device.deviceId)}
              >
                {t('devices.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
