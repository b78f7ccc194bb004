// A decision's reason, chosen from the audit log's reason codes (each in the reader's language).
import { AUDIT_REASONS, type AuditReason } from '@kolokol/shared/crypto';
import { t } from '../i18n/i18n.js';

export function ReasonSelect({
  value,
  onChange,
  choices = AUDIT_REASONS,
}: {
  value: AuditReason;
  onChange: (reason: AuditReason) => void;
  choices?: readonly AuditReason[];
}) {
  return (
    <label class="field">
      <span>{t('mod.reason')}</span>
      <select
        value={value}
        onChange={(event) => onChange((event.target as HTMLSelectElement).value as AuditReason)}
      >
        {choices.map((reason) => (
          <option key={reason} value={reason}>
            {t(`audit.reason.${reason}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
