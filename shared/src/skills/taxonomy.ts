// The one skill taxonomy: what contacts ask for and volunteers offer, with Russian and English
// labels a person understands and a short description. Codes are stable forever (they are stored
// in offers, requests and audit statements); labels and descriptions may be reworded. A new code,
// or a code's risk tier changing, bumps TAXONOMY_VERSION.
import { z } from 'zod';

/** Bumped whenever a code is added or a code's group, risk tier or default criticality changes. */
export const TAXONOMY_VERSION = 1;

export type Language = 'ru' | 'en';
export type Text = Readonly<Record<Language, string>>;

/**
 * How dangerous a mistake is: a request whose skill is `high` is matched only to volunteers
 * vetted at the high-risk tier (and vetting at that tier for such skills needs two moderators).
 */
export const RISK_TIERS = ['standard', 'high'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export const SKILL_GROUPS = {
  legal: { ru: 'Юридическая помощь', en: 'Legal help' },
  military: { ru: 'Армия и мобилизация', en: 'Military and mobilisation' },
  leaving: { ru: 'Выезд и переезд', en: 'Leaving and relocating' },
  safety: { ru: 'Безопасность', en: 'Safety' },
  care: { ru: 'Поддержка', en: 'Support' },
  words: { ru: 'Язык и слово', en: 'Language and words' },
} as const satisfies Record<string, Text>;
export type SkillGroup = keyof typeof SKILL_GROUPS;

export interface SkillDefinition {
  readonly code: string;
  readonly group: SkillGroup;
  readonly label: Text;
  readonly description: Text;
  readonly risk: RiskTier;
  /** Whether a proposal for this skill needs two different moderators by default (configurable). */
  readonly critical: boolean;
}

export const SKILLS = [
  {
    code: 'legal.criminal-defence',
    group: 'legal',
    label: { ru: 'Уголовная и политическая защита', en: 'Criminal and political defence' },
    description: {
      ru: 'Адвокат или консультация по уголовному делу, в том числе политическому: допрос, обыск, арест.',
      en: 'A lawyer or advice in a criminal case, political ones included: questioning, search, arrest.',
    },
    risk: 'high',
    critical: false,
  },
  {
    code: 'legal.military-law',
    group: 'military',
    label: { ru: 'Военное право', en: 'Military law' },
    description: {
      ru: 'Повестка, мобилизация, отказ по убеждениям, альтернативная гражданская служба.',
      en: 'Summons, mobilisation, conscientious objection, alternative civilian service.',
    },
    risk: 'standard',
    critical: false,
  },
  {
    code: 'military.leaving-service',
    group: 'military',
    label: { ru: 'Безопасный уход со службы', en: 'Leaving military service safely' },
    description: {
      ru: 'Как уйти со службы или из части, не подвергая себя и близких опасности.',
      en: 'How to leave service or a unit without putting yourself or your family in danger.',
    },
    risk: 'high',
    critical: true,
  },
  {
    code: 'legal.administrative',
    group: 'legal',
    label: { ru: 'Административные дела', en: 'Administrative cases' },
    description: {
      ru: 'Штрафы за протесты, дела о «дискредитации», обжалование.',
      en: 'Fines for protests, "discreditation" charges, appeals.',
    },
    risk: 'standard',
    critical: false,
  },
  {
    code: 'migration.asylum',
    group: 'leaving',
    label: { ru: 'Убежище и миграционные документы', en: 'Asylum and immigration paperwork' },
    description: {
      ru: 'Заявление на убежище, визы, виды на жительство, переписка с ведомствами.',
      en: 'Asylum applications, visas, residence permits, letters to authorities.',
    },
    risk: 'standard',
    critical: false,
  },
  {
    code: 'leaving.evacuation',
    group: 'leaving',
    label: { ru: 'Эвакуация и пересечение границы', en: 'Evacuation and border crossing' },
    description: {
      ru: 'Как безопасно выехать и пройти границу; маршруты и риски.',
      en: 'How to leave safely and cross a border; routes and risks.',
    },
    risk: 'high',
    critical: true,
  },
  {
    code: 'leaving.relocation',
    group: 'leaving',
    label: { ru: 'Первые шаги за границей', en: 'Relocation: first steps abroad' },
    description: {
      ru: 'Жильё, банк, телефон, документы в первые недели на новом месте.',
      en: 'Housing, a bank account, a phone, papers in the first weeks in a new place.',
    },
    risk: 'standard',
    critical: false,
  },
  {
    code: 'safety.digital',
    group: 'safety',
    label: {
      ru: 'Цифровая безопасность и обход цензуры',
      en: 'Digital security and censorship circumvention',
    },
    description: {
      ru: 'Защита телефона и переписки, VPN и Tor, что делать при изъятии устройства.',
      en: 'Protecting your phone and messages, VPNs and Tor, what to do if a device is seized.',
    },
    risk: 'standard',
    critical: false,
  },
  {
    code: 'care.psychological',
    group: 'care',
    label: { ru: 'Психологическая поддержка', en: 'Psychological support' },
    description: {
      ru: 'Разговор с психологом: страх, горе, выгорание, жизнь под давлением.',
      en: 'Talking to a psychologist: fear, grief, burnout, living under pressure.',
    },
    risk: 'standard',
    critical: false,
  },
  {
    code: 'care.medical',
    group: 'care',
    label: { ru: 'Медицинская консультация', en: 'Medical advice' },
    description: {
      ru: 'Консультация врача на расстоянии; лекарства и лечение в заключении или в пути.',
      en: 'Advice from a doctor at a distance; medicines and care in detention or on the way.',
    },
    risk: 'standard',
    critical: false,
  },
  {
    code: 'care.political-prisoners',
    group: 'care',
    label: {
      ru: 'Помощь политзаключённым и их семьям',
      en: 'Support for political prisoners and their families',
    },
    description: {
      ru: 'Передачи, письма, свидания, поддержка родных на время дела и срока.',
      en: 'Parcels, letters, visits, support for relatives through a trial and a sentence.',
    },
    risk: 'high',
    critical: false,
  },
  {
    code: 'care.financial',
    group: 'care',
    label: { ru: 'Финансовая помощь и переводы', en: 'Financial aid and transfers' },
    description: {
      ru: 'Срочная материальная помощь и безопасные способы перевести деньги.',
      en: 'Urgent financial aid and safe ways to move money.',
    },
    risk: 'high',
    critical: true,
  },
  {
    code: 'words.translation',
    group: 'words',
    label: { ru: 'Перевод', en: 'Translation' },
    description: {
      ru: 'Перевод документов и помощь с переводом на встречах и звонках.',
      en: 'Translating documents and interpreting at meetings and on calls.',
    },
    risk: 'standard',
    critical: false,
  },
  {
    code: 'words.documentation',
    group: 'words',
    label: { ru: 'Документирование и журналистика', en: 'Documentation and journalism' },
    description: {
      ru: 'Как зафиксировать и сохранить свидетельства; связь с журналистами.',
      en: 'Recording and keeping evidence safely; reaching journalists.',
    },
    risk: 'standard',
    critical: false,
  },
  {
    code: 'leaving.work-study',
    group: 'leaving',
    label: { ru: 'Работа и учёба за границей', en: 'Employment and education abroad' },
    description: {
      ru: 'Поиск работы, признание дипломов, поступление, стипендии.',
      en: 'Finding work, recognition of diplomas, admissions, scholarships.',
    },
    risk: 'standard',
    critical: false,
  },
] as const satisfies readonly SkillDefinition[];

export type SkillCode = (typeof SKILLS)[number]['code'];

export const SKILL_CODES = SKILLS.map((skill) => skill.code) as [SkillCode, ...SkillCode[]];

/** A skill code on the wire: one of the taxonomy's, nothing else. */
export const skillCodeSchema = z.enum(SKILL_CODES);

const BY_CODE: ReadonlyMap<string, SkillDefinition> = new Map(
  SKILLS.map((skill) => [skill.code, skill]),
);

/** The definition of a code known to be in the taxonomy. */
export function skillDefinition(code: SkillCode): SkillDefinition {
  const found = BY_CODE.get(code);
  if (found === undefined) throw new Error(`unknown skill code`);
  return found;
}

export function isSkillCode(value: unknown): value is SkillCode {
  return typeof value === 'string' && BY_CODE.has(value);
}

/** The codes that need two moderators unless the deployment configures otherwise. */
export const DEFAULT_CRITICAL_SKILLS: readonly SkillCode[] = SKILLS.filter(
  (skill) => skill.critical,
).map((skill) => skill.code);
