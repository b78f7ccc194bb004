// The English catalogue: exactly ru.ts's keys (the type refuses a missing or extra one).
import type { MessageKey } from './ru.js';

export const en: Readonly<Record<MessageKey, string>> = {
  'app.name': 'Kolokol',
  'app.tagline': 'Secure contact between people who need help and volunteers who can give it.',
  'app.loading': 'Loading…',

  'language.title': 'Choose your language',
  'language.label': 'Language',
  'language.ru': 'Русский',
  'language.en': 'English',
  'language.continue': 'Continue',

  'connection.connecting': 'Connecting…',
  'connection.connected': 'Connected',
  'connection.reconnecting': 'Connection lost, reconnecting…',
  'connection.offline': 'Offline',
  'connection.queued': 'Waiting to be sent: {count}',

  'panic.button': 'Erase everything',
  'panic.hint': 'Log out and erase everything of this account from this device',
  'panic.neutral': 'This page is empty.',

  'welcome.title': 'Welcome',
  'welcome.register': 'Create an account',
  'welcome.login': 'Log in',

  'home.title': 'Logged in as {handle}',
  'home.menu': 'Sections',
  'home.devices': 'Devices',
  'home.settings': 'Settings',
};
