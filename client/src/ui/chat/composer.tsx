// Writing a message: the text goes to the core's outbox at once (it is kept and sent by itself
// when the network is back); a text too long for one message says so before anything is queued.
import { useState } from 'preact/hooks';
import { utf8 } from '@kolokol/shared/crypto';
import { CLIENT_LIMITS } from '@kolokol/client/core';
import { t } from '../i18n/i18n.js';
import { ErrorMessage } from '../components/error-message.js';
import { useAction } from '../hooks/use-action.js';

export function Composer({ send }: { send: (text: string) => Promise<unknown> }) {
  const [text, setText] = useState('');
  const action = useAction();
  const tooLong = utf8(text).length > CLIENT_LIMITS.messageTextBytes;
  const submit = (event: Event) => {
    event.preventDefault();
    const message = text.trim();
    if (message === '' || tooLong) return;
    void action.run(async () => {
      await send(message);
      setText('');
    });
  };
  return (
    <form class="composer" onSubmit={submit}>
      <label class="field">
        <span class="visually-hidden">{t('chat.composer')}</span>
        <textarea
          name="message"
          rows={2}
          value={text}
          placeholder={t('chat.composer')}
          aria-invalid={tooLong}
          aria-describedby={tooLong ? 'composer-too-long' : undefined}
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit(event);
          }}
        />
      </label>
      {tooLong ? (
        <p id="composer-too-long" class="error" role="alert">
          {t('chat.tooLong')}
        </p>
      ) : null}
      <ErrorMessage text={action.error} />
      <button type="submit" class="primary" disabled={action.busy || tooLong || text.trim() === ''}>
        {t('chat.send')}
      </button>
    </form>
  );
}
