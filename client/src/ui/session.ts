// The person's session in this tab: the logged-in KolokolClient (or none), built with this
// browser's IndexedDB storage and the server the page came from. Screens read it through
// useSession(); they never hold a client of their own.
import {
  KolokolClient,
  Observable,
  type ClientOptions,
  type SignedOutReason,
} from '@kolokol/client/core';
import type { RecoveryKit } from '@kolokol/shared/crypto';
import { IndexedDbStorage } from '../browser/indexeddb-storage.js';
import { eraseBrowserTraces } from '../browser/erase-browser.js';
import { DEPLOYMENT } from './deployment.js';
import { serverUrl } from './server-url.js';
import { pinnedTrust } from './trust.js';

export class Session {
  readonly client = new Observable<KolokolClient | undefined>(undefined);
  /** Why the client signed out by itself, for the login screen to say. */
  readonly signedOutReason = new Observable<SignedOutReason | undefined>(undefined);
  /** The kit to show once after registration; cleared when the person confirms they saved it. */
  readonly pendingKit = new Observable<RecoveryKit | undefined>(undefined);
  /** Set by panic: the neutral screen shows and nothing else renders. */
  readonly erased = new Observable<boolean>(false);
  readonly storage = new IndexedDbStorage();

  options(): ClientOptions {
    return {
      url: serverUrl(),
      deployment: DEPLOYMENT,
      storage: this.storage,
      ...pinnedTrust(DEPLOYMENT),
    };
  }

  async register(input: Parameters<typeof KolokolClient.register>[1]): Promise<void> {
    const { client, kit } = await KolokolClient.register(this.options(), input);
    this.pendingKit.set(kit);
    this.#signedIn(client);
  }

  async login(input: Parameters<typeof KolokolClient.login>[1]): Promise<void> {
    this.#signedIn(await KolokolClient.login(this.options(), input));
  }

  async logout(): Promise<void> {
    const client = this.client.value;
    try {
      await client?.logout();
    } finally {
      this.signedOutReason.set('logout');
      this.client.set(undefined);
    }
  }

  async logoutEverywhere(): Promise<void> {
    const client = this.client.value;
    await client?.logoutEverywhere();
    this.signedOutReason.set('logout_all');
    this.client.set(undefined);
  }

  /**
   * Panic: the core erases the account's records and signs out (without waiting for the
   * network), and every other trace the browser keeps goes at the same time. Never throws.
   */
  async panic(): Promise<void> {
    const client = this.client.value;
    this.client.set(undefined);
    this.pendingKit.set(undefined);
    this.erased.set(true);
    // No route left in the address or the tab's history entry.
    history.replaceState(null, '', location.pathname);
    await eraseBrowserTraces({
      panicClient: client === undefined ? undefined : () => client.panic(),
      storage: this.storage,
    });
  }

  #signedIn(client: KolokolClient): void {
    this.signedOutReason.set(undefined);
    client.signedOut.on((reason) => {
      if (this.client.value !== client) return;
      this.signedOutReason.set(reason);
      this.client.set(undefined);
    });
    this.client.set(client);
  }
}

export const session = new Session();
