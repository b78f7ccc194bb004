// Test instrumentation, not a mock: wraps a real store so that every port call still goes to it,
// and counts the calls by "port.method". Used to show that two requests take one code path.
import type { Store } from '../../server/src/store/ports.js';

export interface CountingStore {
  readonly store: Store;
  /** Calls since the last reset, e.g. { 'accounts.findForLogin': 1 }. */
  calls(): Record<string, number>;
  reset(): void;
}

export function countingStore(real: Store): CountingStore {
  const counts = new Map<string, number>();
  const count = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  const wrapPort = (portName: string, port: object): object =>
    new Proxy(port, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          count(`${portName}.${String(property)}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const store = new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value === 'object' && value !== null) return wrapPort(String(property), value);
      return value;
    },
  });
  return {
    store,
    calls: () => Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b))),
    reset: () => counts.clear(),
  };
}
