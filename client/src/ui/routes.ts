// Every screen of the client, by route name (the location's hash: `#/login`). To add a screen:
// add its file under screens/ and one line here. `signedIn: true` screens need a logged-in
// client (the shell sends others to the welcome screen); `false` ones are for signed-out people.
import type { ComponentType } from 'preact';
import { DevicesScreen } from './screens/devices-screen.js';
import { HomeScreen } from './screens/home-screen.js';
import { KitScreen } from './screens/kit-screen.js';
import { LanguageScreen } from './screens/language-screen.js';
import { LoginScreen } from './screens/login-screen.js';
import { RegisterScreen } from './screens/register-screen.js';
import { PassphraseScreen } from './screens/passphrase-screen.js';
import { SettingsScreen } from './screens/settings-screen.js';
import { WelcomeScreen } from './screens/welcome-screen.js';
import { ContactScreen } from './contact/contact-screen.js';
import { RequestFormScreen } from './contact/request-form-screen.js';
import { VolunteerScreen } from './volunteer/volunteer-screen.js';
import { OfferFormScreen } from './volunteer/offer-form-screen.js';
import { ChatListScreen } from './chat/chat-list-screen.js';
import { ChatScreen } from './chat/chat-screen.js';
import { ModerationScreen } from './moderation/moderation-screen.js';
import { VettingScreen } from './moderation/vetting-screen.js';
import { ReportsScreen } from './moderation/reports-screen.js';
import { SuspensionsScreen } from './moderation/suspensions-screen.js';

export interface Route {
  readonly screen: ComponentType;
  readonly signedIn: boolean;
}

export const ROUTES: Readonly<Record<string, Route>> = {
  language: { screen: LanguageScreen, signedIn: false },
  welcome: { screen: WelcomeScreen, signedIn: false },
  register: { screen: RegisterScreen, signedIn: false },
  login: { screen: LoginScreen, signedIn: false },
  kit: { screen: KitScreen, signedIn: true },
  home: { screen: HomeScreen, signedIn: true },
  devices: { screen: DevicesScreen, signedIn: true },
  settings: { screen: SettingsScreen, signedIn: true },
  passphrase: { screen: PassphraseScreen, signedIn: true },
  contact: { screen: ContactScreen, signedIn: true },
  ask: { screen: RequestFormScreen, signedIn: true },
  volunteer: { screen: VolunteerScreen, signedIn: true },
  offer: { screen: OfferFormScreen, signedIn: true },
  chats: { screen: ChatListScreen, signedIn: true },
  chat: { screen: ChatScreen, signedIn: true },
  moderate: { screen: ModerationScreen, signedIn: true },
  vetting: { screen: VettingScreen, signedIn: true },
  reports: { screen: ReportsScreen, signedIn: true },
  suspensions: { screen: SuspensionsScreen, signedIn: true },
};

/** Where a signed-out person lands, and where a signed-in one does. */
export const START_SIGNED_OUT = 'welcome';
export const START_SIGNED_IN = 'home';
