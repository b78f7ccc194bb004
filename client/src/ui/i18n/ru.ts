// The Russian catalogue: every word the web client shows. Russian comes first (most contacts
// read it); en.ts must have exactly these keys (its type says so, and tests/browser/i18n.test.ts
// checks it too). `{name}` in a message is filled in by t(). The recovery kit's and the
// passphrase check's words are shared's RECOVERY_KIT_TEXT, so every client says the same.
export const ru = {
  'app.name': 'Колокол',
  'app.tagline':
    'Безопасная связь между теми, кому нужна помощь, и волонтёрами, которые могут помочь.',
  'app.busy': 'Подождите…',
  'app.back': 'Назад',

  'language.title': 'Выберите язык',
  'language.label': 'Язык',
  'language.ru': 'Русский',
  'language.en': 'English',

  'connection.connecting': 'Подключение…',
  'connection.connected': 'На связи',
  'connection.reconnecting': 'Связь прервалась, подключаемся снова…',
  'connection.offline': 'Нет связи',
  'connection.queued': 'ждут отправки: {count}',

  'panic.button': 'Стереть всё',
  'panic.hint': 'Выйти и сразу стереть с этого устройства всё, что относится к аккаунту',
  'panic.neutral': 'Страница пуста.',
  'panic.neutralTitle': 'Пустая страница',

  'welcome.title': 'Добро пожаловать',
  'welcome.register': 'Создать аккаунт',
  'welcome.login': 'Войти',

  'register.title': 'Новый аккаунт',
  'register.handle': 'Имя (псевдоним)',
  'register.handleHint':
    'Не используйте настоящее имя. От 3 до 32 латинских букв, цифр, точек, дефисов или подчёркиваний.',
  'register.role': 'Зачем вы здесь?',
  'register.roleContact': 'Мне нужна помощь',
  'register.roleVolunteer': 'Я хочу помогать',
  'register.roleStaff': 'У меня есть код модератора',
  'register.enrolmentCode': 'Код, который дал вам оператор',
  'register.passphrase': 'Пароль',
  'register.useGenerated': 'Взять предложенный пароль (надёжнее всего)',
  'register.useOwn': 'Придумать свой',
  'register.another': 'Предложить другой',
  'register.ownPassphrase': 'Ваш пароль',
  'register.strength': 'Надёжность пароля',
  'register.strengthChecking': 'Проверяем пароль…',
  'register.strengthGood': 'Пароль достаточно надёжный.',
  'register.writtenDown': 'Я записал(а) пароль или запомнил(а) его',
  'register.submit': 'Создать аккаунт',
  'register.working': 'Создаём аккаунт. Это может занять до минуты…',

  'kit.saved': 'Я сохранил(а) слова или QR-код',
  'kit.continue': 'Продолжить',
  'kit.qr': 'QR-код ключа восстановления',
  'kit.showAgain': 'Чтобы показать ключ восстановления снова, введите пароль.',
  'kit.show': 'Показать',

  'login.title': 'Вход',
  'login.handle': 'Имя',
  'login.passphrase': 'Пароль',
  'login.newDevice': 'Это новое устройство (нужен ключ восстановления)',
  'login.kit': '12 слов или текст QR-кода ключа восстановления',
  'login.submit': 'Войти',
  'login.working': 'Входим. Это может занять несколько секунд…',

  'home.title': 'Вы вошли как {handle}',
  'home.menu': 'Разделы',
  'home.devices': 'Устройства',
  'home.settings': 'Настройки',

  'devices.title': 'Ваши устройства',
  'devices.intro':
    'Здесь все устройства, на которых открыт ваш аккаунт. Если вы не узнаёте устройство, удалите его.',
  'devices.this': 'Это устройство',
  'devices.added': 'Добавлено {date}',
  'devices.remove': 'Удалить',
  'devices.removeNamed': 'Удалить устройство {id}',
  'devices.confirmRemove':
    'Удалить устройство {id}? На нём сразу произойдёт выход, и войти снова можно будет только с ключом восстановления.',
  'devices.removed': 'Устройство удалено.',

  'settings.title': 'Настройки',
  'settings.kit': 'Показать ключ восстановления',
  'settings.logout': 'Выйти',
  'settings.logoutEverywhere': 'Выйти на всех устройствах',
  'settings.confirmEverywhere':
    'Выйти на всех устройствах? Везде, где открыт аккаунт, понадобится войти снова.',

  'errors.unavailable':
    'Не удаётся связаться с сервером. Проверьте интернет и попробуйте ещё раз — ничего не потеряно.',
  'errors.rateLimited':
    'Слишком много попыток подряд. Подождите несколько минут и попробуйте снова.',
  'errors.wrongLogin': 'Имя или пароль не подходят. Проверьте их и попробуйте ещё раз.',
  'errors.wrongPassphrase':
    'Пароль не подходит. Проверьте раскладку клавиатуры и попробуйте ещё раз.',
  'errors.signedOut': 'Сеанс закончился. Войдите снова.',
  'errors.handleTaken': 'Это имя уже занято. Выберите другое.',
  'errors.handleInvalid':
    'Имя: от 3 до 32 латинских букв, цифр, точек, дефисов или подчёркиваний, в начале и в конце — буква или цифра.',
  'errors.needKit':
    'На этом устройстве ещё нет вашего ключа. Отметьте «новое устройство» и введите 12 слов ключа восстановления.',
  'errors.conflict':
    'Данные изменились, пока вы были здесь. Обновите страницу и попробуйте ещё раз.',
  'errors.badRequest': 'Сервер не принял запрос. Проверьте введённое и попробуйте ещё раз.',
  'errors.forbidden': 'Это действие вам недоступно.',
  'errors.notFound': 'Этого больше нет.',
  'errors.updateNeeded': 'Приложение устарело. Обновите страницу.',
  'errors.tooLarge': 'Слишком длинный текст. Сократите его.',
  'errors.crypto':
    'Не удалось проверить защищённые данные. Ничего не отправлено. Попробуйте ещё раз или войдите снова.',
  'errors.unknown': 'Что-то пошло не так. Ваши данные в безопасности. Попробуйте ещё раз.',

  'signedOut.logout': 'Вы вышли.',
  'signedOut.everywhere': 'Был выполнен выход на всех устройствах. Войдите снова.',
  'signedOut.suspended': 'Аккаунт приостановлен модераторами.',
  'signedOut.rekeyed': 'Пароль аккаунта изменили на другом устройстве. Войдите с новым паролем.',
  'signedOut.deviceRemoved':
    'Это устройство удалили из аккаунта. Чтобы войти снова, понадобится ключ восстановления.',
  'signedOut.other': 'Сеанс закончился. Войдите снова.',
} as const satisfies Record<string, string>;

/** Every message's key. */
export type MessageKey = keyof typeof ru;
