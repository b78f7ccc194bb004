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
import { serverUrl } from './server-url.js';
import { pinnedTrust } from './trust.js';

/** The deployment id this build pins (scripts/client-build.ts, KOLOKOL_DEPLOYMENT at build time). */
declare const KOLOKOL_DEPLOYMENT: string;

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
      deployment: KOLOKOL_DEPLOYMENT,
      storage: this.storage,
      ...pinnedTrust(KOLOKOL_DEPLOYMENT),
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
    this.client.set(undefined);
    await client?.logout();
  }

  async logoutEverywhere(): Promise<void> {
    const client = this.client.value;
    await client?.logoutEverywhere();
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
