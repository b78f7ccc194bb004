// Every socket event handler, wired once. The router refuses to start if an event in
// shared's `clientEvents` has no handler here, or has two.
import type { AnyEventHandler } from '../handler.js';
import { sessionWhoAmI } from './session-whoami.js';

export type HandlerDeps = Record<string, never>;

export function allHandlers(_deps: HandlerDeps): AnyEventHandler[] {
  return [sessionWhoAmI()];
}
