// The English catalogue: exactly ru.ts's keys (the type refuses a missing or extra one).
import type { MessageKey } from './ru.js';

export const en: Readonly<Record<MessageKey, string>> = {
  'app.name': 'Kolokol',
  'app.tagline': 'Secure contact between people who need help and volunteers who can give it.',
  'app.busy': 'Please wait…',
  'app.back': 'Back',

  'language.title': 'Choose your language',
  'language.label': 'Language',
  'language.ru': 'Русский',
  'language.en': 'English',

  'connection.connecting': 'Connecting…',
  'connection.connected': 'Connected',
  'connection.reconnecting': 'Connection lost, reconnecting…',
  'connection.offline': 'Offline',
  'connection.queued': 'waiting to be sent: {count}',

  'panic.button': 'Erase everything',
  'panic.hint': 'Log out and erase everything of this account from this device, at once',
  'panic.neutral': 'This page is empty.',
  'panic.neutralTitle': 'Empty page',

  'welcome.title': 'Welcome',
  'welcome.register': 'Create an account',
  'welcome.login': 'Log in',

  'register.title': 'New account',
  'register.handle': 'Name (a nickname)',
  'register.handleHint':
    'Do not use your real name. 3 to 32 Latin letters, digits, dots, hyphens or underscores.',
  'register.role': 'Why are you here?',
  'register.roleContact': 'I need help',
  'register.roleVolunteer': 'I want to help',
  'register.roleStaff': 'I have a moderator code',
  'register.enrolmentCode': 'The code the operator gave you',
  'register.passphrase': 'Passphrase',
  'register.useGenerated': 'Take the suggested passphrase (the safest)',
  'register.useOwn': 'Choose my own',
  'register.another': 'Suggest another',
  'register.ownPassphrase': 'Your passphrase',
  'register.strength': 'Passphrase strength',
  'register.strengthChecking': 'Checking the passphrase…',
  'register.strengthGood': 'The passphrase is strong enough.',
  'register.writtenDown': 'I have written the passphrase down or learnt it',
  'register.submit': 'Create the account',
  'register.working': 'Creating your account. This can take up to a minute…',

  'kit.saved': 'I have saved the words or the QR code',
  'kit.continue': 'Continue',
  'kit.qr': 'QR code of the recovery key',
  'kit.showAgain': 'To show the recovery kit again, enter your passphrase.',
  'kit.show': 'Show',

  'login.title': 'Log in',
  'login.handle': 'Name',
  'login.passphrase': 'Passphrase',
  'login.newDevice': 'This is a new device (the recovery kit is needed)',
  'login.kit': 'The 12 words or the QR code text of your recovery kit',
  'login.submit': 'Log in',
  'login.working': 'Logging in. This can take a few seconds…',

  'home.title': 'Logged in as {handle}',
  'home.menu': 'Sections',
  'home.devices': 'Devices',
  'home.settings': 'Settings',

  'devices.title': 'Your devices',
  'devices.intro': 'Every device your account is open on. If you do not recognise one, remove it.',
  'devices.this': 'This device',
  'devices.added': 'Added {date}',
  'devices.remove': 'Remove',
  'devices.removeNamed': 'Remove device {id}',
  'devices.confirmRemove':
    'Remove device {id}? It is logged out at once, and logging in there again needs the recovery kit.',
  'devices.removed': 'The device was removed.',

  'settings.title': 'Settings',
  'settings.kit': 'Show the recovery kit',
  'settings.logout': 'Log out',
  'settings.logoutEverywhere': 'Log out everywhere',
  'settings.confirmEverywhere':
    'Log out on every device? Wherever the account is open, you will have to log in again.',

  'errors.unavailable':
    'The server cannot be reached. Check your internet connection and try again — nothing was lost.',
  'errors.rateLimited': 'Too many attempts in a row. Wait a few minutes and try again.',
  'errors.wrongLogin': 'The name or the passphrase does not match. Check them and try again.',
  'errors.wrongPassphrase':
    'The passphrase does not match. Check the keyboard layout and try again.',
  'errors.signedOut': 'Your session ended. Please log in again.',
  'errors.handleTaken': 'This name is taken. Choose another one.',
  'errors.handleInvalid':
    'A name is 3 to 32 Latin letters, digits, dots, hyphens or underscores, starting and ending with a letter or digit.',
  'errors.needKit':
    'This device does not hold your key yet. Tick "new device" and enter the 12 words of your recovery kit.',
  'errors.conflict': 'Something changed while you were here. Reload the page and try again.',
  'errors.badRequest': 'The server did not accept this. Check what you entered and try again.',
  'errors.forbidden': 'You cannot do this.',
  'errors.notFound': 'This is no longer there.',
  'errors.updateNeeded': 'This app is out of date. Reload the page.',
  'errors.tooLarge': 'The text is too long. Shorten it.',
  'errors.crypto':
    'Protected data could not be checked. Nothing was sent. Try again, or log in again.',
  'errors.unknown': 'Something went wrong. Your data is safe. Please try again.',

  'signedOut.logout': 'You have logged out.',
  'signedOut.everywhere': 'You were logged out on every device. Please log in again.',
  'signedOut.suspended': 'The moderators have suspended this account.',
  'signedOut.rekeyed':
    'The passphrase was changed on another device. Log in with the new passphrase.',
  'signedOut.deviceRemoved':
    'This device was removed from the account. Logging in again needs the recovery kit.',
  'signedOut.other': 'Your session ended. Please log in again.',
};
