// Which screen shows: the route name in the location's hash (`#/login`), so the client needs no
// server-side routes and works under any sub-path. routes.ts maps names to screens.
import { Observable } from '@kolokol/client/core';

function fromHash(): string {
  return location.hash.replace(/^#\/?/, '');
}

/** The current route name ('' before any navigation). */
export const currentRoute = new Observable<string>(fromHash());
addEventListener('hashchange', () => currentRoute.set(fromHash()));

/** Shows the screen named `route`; `replace` keeps the screen left out of the back button's way. */
export function navigate(route: string, options: { replace?: boolean } = {}): void {
  const target = `#/${route}`;
  if (options.replace === true) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  currentRoute.set(route);
}
