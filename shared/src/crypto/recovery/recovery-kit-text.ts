// What a user interface says around the recovery kit, the passphrase check and the generated
// passphrase, in Russian and English, kept here so every client says the same thing. The
// recovery words themselves are English (BIP-39): no maintained Russian list exists.
import type { PassphraseProblem } from './passphrase-strength.js';
import type { RecoveryProblem } from './recovery-errors.js';

export type KitLanguage = 'ru' | 'en';

interface KitText {
  readonly title: string;
  readonly intro: string;
  readonly steps: readonly string[];
  readonly warning: string;
  readonly wordsLanguage: string;
  readonly generatedPassphrase: string;
  readonly recoveryProblems: Readonly<Record<RecoveryProblem, string>>;
  readonly passphraseProblems: Readonly<Record<PassphraseProblem, string>>;
}

export const RECOVERY_KIT_TEXT: Readonly<Record<KitLanguage, KitText>> = {
  ru: {
    title: 'Ключ восстановления',
    intro:
      'Ключ аккаунта — второй секрет рядом с паролем. Без него никто, даже владелец сервера, не сможет подобрать ваш пароль. Он показывается только сейчас.',
    steps: [
      'Перепишите 12 слов по порядку на бумагу или сохраните QR-код в надёжном месте.',
      'Храните их отдельно от пароля и не фотографируйте на телефон, которым пользуетесь.',
      'Чтобы войти на новом устройстве, отсканируйте этот QR-код или введите 12 слов, затем пароль.',
      'Если вы потеряете и ключ, и все свои устройства, доступ к аккаунту восстановить нельзя.',
    ],
    warning:
      'Любой, у кого есть эти слова и ваш пароль, может войти от вашего имени. Никому их не сообщайте: сотрудники сервиса никогда их не попросят.',
    wordsLanguage:
      'Слова английские (стандартный список BIP-39); достаточно первых четырёх букв каждого.',
    generatedPassphrase:
      'Мы предлагаем пароль из шести случайных слов: его почти невозможно подобрать. Запишите его или выучите.',
    recoveryProblems: {
      WORD_COUNT: 'Нужно ровно 12 слов.',
      UNKNOWN_WORD: 'Такого слова нет в списке: проверьте написание.',
      CHECKSUM: 'Слова не сходятся: одно из них введено с ошибкой или не по порядку.',
      NOT_A_PAYLOAD: 'Это не QR-код восстановления Kolokol.',
      UNSUPPORTED_VERSION: 'Этот QR-код сделан более новой версией: обновите приложение.',
      WRONG_DEPLOYMENT: 'Этот QR-код относится к другому серверу Kolokol.',
    },
    passphraseProblems: {
      TOO_SHORT: 'Пароль слишком короткий: не меньше 12 символов.',
      TOO_LONG: 'Пароль слишком длинный: не больше 1024 символов.',
      TOO_GUESSABLE:
        'Такой пароль легко подобрать. Возьмите предложенный пароль из случайных слов или добавьте несколько необычных слов.',
    },
  },
  en: {
    title: 'Recovery kit',
    intro:
      'Your account key is a second secret beside your passphrase. Without it nobody, not even whoever runs the server, can guess your passphrase. It is shown only now.',
    steps: [
      'Write the 12 words down in order on paper, or keep the QR code somewhere safe.',
      'Keep them apart from your passphrase, and do not photograph them with the phone you use.',
      'To log in on a new device, scan this QR code or type the 12 words, then your passphrase.',
      'If you lose this key and all your devices, the account cannot be recovered.',
    ],
    warning:
      'Anyone with these words and your passphrase can log in as you. Never share them: the service will never ask for them.',
    wordsLanguage:
      'The words are English (the standard BIP-39 list); the first four letters of each are enough.',
    generatedPassphrase:
      'We suggest a passphrase of six random words: it is practically impossible to guess. Write it down or learn it.',
    recoveryProblems: {
      WORD_COUNT: 'Exactly 12 words are needed.',
      UNKNOWN_WORD: 'This word is not in the list: check its spelling.',
      CHECKSUM: 'The words do not add up: one is mistyped or out of order.',
      NOT_A_PAYLOAD: 'This is not a Kolokol recovery QR code.',
      UNSUPPORTED_VERSION: 'This QR code was made by a newer version: update the app.',
      WRONG_DEPLOYMENT: 'This QR code belongs to another Kolokol server.',
    },
    passphraseProblems: {
      TOO_SHORT: 'The passphrase is too short: at least 12 characters.',
      TOO_LONG: 'The passphrase is too long: at most 1024 characters.',
      TOO_GUESSABLE:
        'This passphrase is easy to guess. Take the suggested passphrase of random words, or add a few unusual words.',
    },
  },
};
