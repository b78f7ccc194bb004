// Panic in the browser: every local trace goes at once — the core's sealed records (through
// the client's own panic, which also blocks later writes and signs out), then every IndexedDB
// database of this origin, localStorage, sessionStorage, Cache Storage and service worker
// registrations. Each step runs whatever the others do: one failing must not keep the rest.
import type { IndexedDbStorage } from './indexeddb-storage.js';
import { DATABASE_NAME } from './indexeddb-storage.js';

export interface EraseTargets {
  /** The logged-in client's panic (erases its records, signs out without waiting), if any. */
  readonly panicClient: (() => Promise<void>) | undefined;
  readonly storage: IndexedDbStorage;
}

export async function eraseBrowserTraces(targets: EraseTargets): Promise<void> {
  // Synchronous stores first: nothing can be read from them after this line.
  for (const store of [globalThis.localStorage, globalThis.sessionStorage]) {
    try {
      store.clear();
    } catch {
      // Storage disabled: nothing is there.
    }
  }
  await Promise.allSettled([
    (targets.panicClient?.() ?? targets.storage.clear()).finally(() => targets.storage.close()),
    clearCaches(),
    unregisterServiceWorkers(),
  ]);
  await deleteDatabases();
}

async function deleteDatabases(): Promise<void> {
  const names = new Set([DATABASE_NAME]);
  try {
    for (const database of await indexedDB.databases()) {
      if (database.name !== undefined) names.add(database.name);
    }
  } catch {
    // databases() missing (older browsers): our own database is still deleted below.
  }
  await Promise.allSettled(
    [...names].map(
      (name) =>
        new Promise<void>((resolve) => {
          const request = indexedDB.deleteDatabase(name);
          request.onsuccess = () => resolve();
          request.onerror = () => resolve();
          // Blocked by a connection in another tab: the deletion is queued and happens as soon
          // as that tab closes it (our connections close on versionchange); panic goes on.
          request.onblocked = () => resolve();
        }),
    ),
  );
}

async function clearCaches(): Promise<void> {
  if (!('caches' in globalThis)) return;
  for (const name of await caches.keys()) await caches.delete(name);
}

async function unregisterServiceWorkers(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  for (const registration of await navigator.serviceWorker.getRegistrations()) {
    await registration.unregister();
  }
}
