// The Russian catalogue: every word the web client shows. Russian comes first (most contacts
// read it); en.ts must have exactly these keys (the type says so, and tests/browser/i18n.test.ts).
// `{name}` in a message is filled in by t().
export const ru = {
  'app.name': 'Колокол',
  'app.tagline':
    'Безопасная связь между теми, кому нужна помощь, и волонтёрами, которые могут помочь.',
  'app.loading': 'Загрузка…',

  'language.title': 'Выберите язык',
  'language.label': 'Язык',
  'language.ru': 'Русский',
  'language.en': 'English',
  'language.continue': 'Продолжить',

  'connection.connecting': 'Подключение…',
  'connection.connected': 'На связи',
  'connection.reconnecting': 'Связь прервалась, подключаемся снова…',
  'connection.offline': 'Нет связи',
  'connection.queued': 'Ждут отправки: {count}',

  'panic.button': 'Стереть всё',
  'panic.hint': 'Выйти и стереть с этого устройства всё, что относится к аккаунту',
  'panic.neutral': 'Страница пуста.',

  'welcome.title': 'Добро пожаловать',
  'welcome.register': 'Создать аккаунт',
  'welcome.login': 'Войти',

  'home.title': 'Вы вошли как {handle}',
  'home.menu': 'Разделы',
  'home.devices': 'Устройства',
  'home.settings': 'Настройки',
} as const satisfies Record<string, string>;

/** Every message's key. */
export type MessageKey = keyof typeof ru;
