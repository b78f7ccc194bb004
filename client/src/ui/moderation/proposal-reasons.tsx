// Why the matching engine proposed this volunteer: each factor of its score as a sentence in the
// reader's language, with its points. A factor this build does not know is shown by its points.
import { regionDefinition, type RegionCode, type SkillCode } from '@kolokol/shared';
import type { QueueEntry } from '@kolokol/client/core';
import { CATALOGUES, language, t, type MessageKey } from '../i18n/i18n.js';

type Reason = QueueEntry['proposal']['reasons'][number];

function sentence(reason: Reason): string {
  const key = `reason.${reason.code}`;
  if (!(key in CATALOGUES.ru)) return t('reason.unknown');
  const lang = language.value;
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(reason)) {
    if (typeof value === 'number' || typeof value === 'string') values[name] = value;
  }
  if (typeof reason['skill'] === 'string') {
    values['skill'] = t(`skill.${reason['skill'] as SkillCode}`);
  }
  if (typeof reason['region'] === 'string') {
    try {
      values['region'] = regionDefinition(reason['region'] as RegionCode).label[lang];
    } catch {
      // A region this build does not know: its code stays as it came.
    }
  }
  return t(key as MessageKey, values);
}

export function ProposalReasons({ reasons }: { reasons: readonly Reason[] }) {
  return (
    <ul class="list reasons">
      {reasons.map((reason, index) => (
        <li key={index}>
          <span>{sentence(reason)}</span>{' '}
          <span class="hint">{t('mod.points', { points: Math.round(reason.points) })}</span>
        </li>
      ))}
    </ul>
  );
}
