// No store port method is left unimplemented by the MongoDB adapter: at the type level (the
// adapter's ports satisfy `Store` without a cast), and at run time, against the SQLite adapter's
// method names port by port — built on a connection that never connects, since building a port
// sends nothing.
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../server/src/store/ports.js';
import { createMongoPorts } from '../../server/src/store/mongo/open-mongo-store.js';
import { openSqliteStore } from '../../server/src/store/sqlite/open-sqlite-store.js';
import { offlineContext } from './support/mongo-offline.js';

type Ports = Omit<Store, 'ping' | 'close'>;

// The type-level check: an object missing a port or a method (or with a wrong signature) does not
// compile here, and `npm test` typechecks the tests.
const mongo: Ports = createMongoPorts(offlineContext());
const sqlite = await openSqliteStore({ file: ':memory:' });
afterAll(() => sqlite.close());

/** The function-valued keys of a port, own or inherited. */
function methodsOf(port: object): string[] {
  return Object.keys(port)
    .filter((key) => typeof (port as Record<string, unknown>)[key] === 'function')
    .sort();
}

const portNames = Object.keys(sqlite).filter(
  (key) => key !== 'ping' && key !== 'close',
) as (keyof Ports)[];

describe('the MongoDB adapter implements every port method the SQLite adapter does', () => {
  it('has the same ports', () => {
    expect(Object.keys(mongo).sort()).toEqual([...portNames].sort());
    expect(portNames.length).toBe(16);
  });

  it.each(portNames)('%s', (port) => {
    const expected = methodsOf(sqlite[port]);
    expect(expected.length).toBeGreaterThan(0);
    expect(methodsOf(mongo[port])).toEqual(expected);
  });
});
