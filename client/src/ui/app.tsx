// The shell around every screen: the header (name, connection state, language, panic), then the
// screen the route names. After panic only the neutral screen renders.
import { useEffect } from 'preact/hooks';
import { ConnectionBar } from './components/connection-bar.js';
import { LanguageSwitch } from './components/language-switch.js';
import { PanicButton } from './components/panic-button.js';
import { SignedOutNotice } from './components/signed-out-notice.js';
import { useObservable } from './hooks/use-observable.js';
import { language, languageChosen, t } from './i18n/i18n.js';
import { currentRoute, navigate } from './router.js';
import { ROUTES, START_SIGNED_IN, START_SIGNED_OUT } from './routes.js';
import { NeutralScreen } from './screens/neutral-screen.js';
import { session } from './session.js';

/**
 * The route to show: the language choice first, the recovery kit right after registration, and
 * only screens the session allows.
 */
function resolveRoute(
  route: string,
  chosen: boolean,
  signedIn: boolean,
  kitPending: boolean,
): string {
  if (!chosen) return 'language';
  if (signedIn && kitPending) return 'kit';
  const known = ROUTES[route];
  if (known === undefined) return signedIn ? START_SIGNED_IN : START_SIGNED_OUT;
  if (known.signedIn !== signedIn && route !== 'language') {
    return signedIn ? START_SIGNED_IN : START_SIGNED_OUT;
  }
  return route;
}

export function App() {
  const lang = useObservable(language);
  const chosen = useObservable(languageChosen);
  const client = useObservable(session.client);
  const erased = useObservable(session.erased);
  const kit = useObservable(session.pendingKit);
  const route = useObservable(currentRoute);
  const shown = resolveRoute(route, chosen, client !== undefined, kit !== undefined);

  // The address follows the screen shown, from the values as they are now (not this render's).
  useEffect(() => {
    if (erased || !languageChosen.value) return;
    const now = resolveRoute(
      currentRoute.value,
      true,
      session.client.value !== undefined,
      session.pendingKit.value !== undefined,
    );
    if (now !== currentRoute.value) navigate(now, { replace: true });
  }, [shown, route, chosen, erased]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t(erased ? 'panic.neutralTitle' : 'app.name');
  }, [lang, erased]);

  if (erased) return <NeutralScreen />;
  const Screen = ROUTES[shown]?.screen ?? ROUTES[START_SIGNED_OUT]!.screen;
  return (
    <div class="shell">
      <header class="shell-header">
        <span class="shell-name">{t('app.name')}</span>
        <ConnectionBar />
        <LanguageSwitch />
        <PanicButton />
      </header>
      <main class="shell-main" id="main">
        <SignedOutNotice />
        <Screen key={shown} />
      </main>
    </div>
  );
}
