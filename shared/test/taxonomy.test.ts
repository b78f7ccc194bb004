// The taxonomy is the contract for every offer, request and audit statement: its codes are
// unique and well-formed, every label and description exists in both languages, and the issue's
// list of needs is covered.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CRITICAL_SKILLS,
  SKILLS,
  SKILL_CODES,
  SKILL_GROUPS,
  TAXONOMY_VERSION,
  isSkillCode,
  skillCodeSchema,
  skillDefinition,
} from '../src/skills/taxonomy.js';

describe('the skill taxonomy', () => {
  it('has unique, stable-looking codes in known groups, labelled in Russian and English', () => {
    expect(TAXONOMY_VERSION).toBeGreaterThanOrEqual(1);
    expect(new Set(SKILL_CODES).size).toBe(SKILLS.length);
    for (const skill of SKILLS) {
      expect(skill.code).toMatch(/^[a-z]+\.[a-z-]+$/);
      expect(Object.keys(SKILL_GROUPS)).toContain(skill.group);
      for (const language of ['ru', 'en'] as const) {
        expect(skill.label[language].length, `${skill.code} ${language}`).toBeGreaterThan(3);
        expect(skill.description[language].length).toBeGreaterThan(20);
      }
      // Russian labels are in Cyrillic (not an English string left untranslated).
      expect(skill.label.ru).toMatch(/[а-яё]/i);
    }
  });

  it('covers every need the design names', () => {
    const english = SKILLS.map((skill) => skill.label.en.toLowerCase()).join(' | ');
    for (const need of [
      'criminal',
      'military law',
      'leaving military service',
      'administrative',
      'asylum',
      'border',
      'relocation',
      'digital security',
      'psychological',
      'medical',
      'political prisoners',
      'financial',
      'translation',
      'journalism',
      'employment',
    ]) {
      expect(english, need).toContain(need);
    }
  });

  it('marks the most dangerous skills high-risk and critical by default', () => {
    expect(DEFAULT_CRITICAL_SKILLS).toEqual(
      expect.arrayContaining(['leaving.evacuation', 'military.leaving-service', 'care.financial']),
    );
    for (const code of DEFAULT_CRITICAL_SKILLS) expect(skillDefinition(code).risk).toBe('high');
  });

  it('parses known codes only', () => {
    expect(skillCodeSchema.parse('safety.digital')).toBe('safety.digital');
    expect(skillCodeSchema.safeParse('safety.Digital').success).toBe(false);
    expect(skillCodeSchema.safeParse('__proto__').success).toBe(false);
    expect(isSkillCode('care.medical')).toBe(true);
    expect(isSkillCode('care.unknown')).toBe(false);
  });
});
