// docs/matching.md states the rules a moderator relies on: every refusal, reason and unassigned
// code the engine can produce is named there, and the weights and limits it quotes are the ones
// in the code. docs/protocol.md and the README point to it.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as limits from '../../server/src/domain/matching/limits.js';
import {
  MAX_SCORE,
  REASON_CODES,
  REFUSALS,
  SCORE_FACTORS,
  UNASSIGNED_REASONS,
} from '../../server/src/domain/matching/index.js';
import {
  LOAD_POINTS_MAX,
  REGION_POINTS,
  SKILL_LEVEL_POINTS,
  TIMEZONE_FULL_HOURS,
  TIMEZONE_POINTS_MAX,
  URGENCY_POINTS,
  WAITING_HOURS_PER_POINT,
  WAITING_POINTS_MAX,
} from '../../server/src/domain/matching/score/weights.js';
import { REPO_ROOT } from '../support/process.js';

const docs = await readFile(`${REPO_ROOT}/docs/matching.md`, 'utf8');

function section(title: string): string {
  return docs.split(`\n## ${title}\n`)[1]?.split('\n## ')[0] ?? '';
}

describe('docs/matching.md', () => {
  it.each(REFUSALS)('names the refusal %s in the constraints table', (refusal) => {
    expect(section('Hard constraints')).toMatch(new RegExp(`\\| \`${refusal}\` +\\|`));
  });

  it.each(SCORE_FACTORS)('explains the score factor %s', (factor) => {
    expect(section('Score and reasons')).toMatch(new RegExp(`\\| \`${factor}\` +\\|`));
  });

  it.each(REASON_CODES)('names the reason code %s', (code) => {
    expect(section('Score and reasons')).toContain(`\`${code}\``);
  });

  it.each(UNASSIGNED_REASONS)('names the unassigned reason %s', (reason) => {
    expect(section('Batch assignment')).toContain(`\`${reason}\``);
  });

  it('quotes the weights in force', () => {
    const scores = section('Score and reasons');
    const { 1: one, 2: two, 3: three } = SKILL_LEVEL_POINTS;
    expect(scores).toContain(`**${one}, ${two}, ${three}**`);
    expect(scores).toContain(`⌊**${LOAD_POINTS_MAX}** × free share`);
    const { low, normal, high, critical } = URGENCY_POINTS;
    expect(scores).toContain(
      `low **${low}**, normal **${normal}**, high **${high}**, critical **${critical}**`,
    );
    expect(scores).toContain(
      `one point per **${WAITING_HOURS_PER_POINT}** whole hours waited, at most **${WAITING_POINTS_MAX}**`,
    );
    expect(scores).toContain(`**${REGION_POINTS}** if the volunteer serves`);
    expect(scores).toContain(
      `⌊**${TIMEZONE_POINTS_MAX}** × min(overlap, **${TIMEZONE_FULL_HOURS}**) / ${TIMEZONE_FULL_HOURS}⌋`,
    );
    expect(scores).toContain(`from 0 to ${MAX_SCORE}`);
  });

  it.each(Object.entries(limits))('quotes the limit %s with its value', (name, value) => {
    expect(section('Limits')).toMatch(new RegExp(`\\| \`${name}\` *\\| ${value} +\\|`));
  });
});

describe('the way to docs/matching.md', () => {
  it('is linked from docs/protocol.md and the README', async () => {
    const protocol = await readFile(`${REPO_ROOT}/docs/protocol.md`, 'utf8');
    const readme = await readFile(`${REPO_ROOT}/README.md`, 'utf8');
    expect(protocol).toContain('## Matching');
    expect(protocol).toContain('](matching.md)');
    expect(readme).toContain('](docs/matching.md)');
  });
});
