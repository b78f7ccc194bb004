// The field where staff type or paste an account's id (the protocol names people only by id: a
// volunteer reads theirs out, a report or the queue shows it). Checked with shared's idSchema.
import { idSchema } from '@kolokol/shared';
import { t } from '../i18n/i18n.js';

/** The id as typed, trimmed, when shared's schema accepts it; else undefined. */
export function parseAccountId(text: string): string | undefined {
  const parsed = idSchema.safeParse(text.trim());
  return parsed.success ? parsed.data : undefined;
}

export function AccountIdField({
  value,
  onInput,
}: {
  value: string;
  onInput: (text: string) => void;
}) {
  return (
    <label class="field">
      <span>{t('mod.accountIdField')}</span>
      <input
        name="account"
        autocomplete="off"
        spellcheck={false}
        value={value}
        onInput={(event) => onInput((event.target as HTMLInputElement).value)}
      />
    </label>
  );
}
