// Every filter the MongoDB adapter builds, inspected without a server: built into a real mongoose
// Query on the adapter's models, each survives sanitizeFilter unchanged (every operator in it is
// one the adapter made and marked trusted, from validated values), names only declared paths
// (strictQuery would silently drop others), and casts cleanly. Handed an operator object where a
// value belongs — as if validation had let one through — each is neutralised: sanitizeFilter
// wraps it in $eq, and the cast refuses it.
import { describe, expect, it } from 'vitest';
import { accountFilters } from '../../server/src/store/mongo/accounts.js';
import { auditFilters } from '../../server/src/store/mongo/audit.js';
import { certificateFilters } from '../../server/src/store/mongo/certificates.js';
import { challengeFilters } from '../../server/src/store/mongo/challenges.js';
import type { MongoModels } from '../../server/src/store/mongo/context.js';
import { conversationFilters } from '../../server/src/store/mongo/conversations.js';
import { deviceFilters } from '../../server/src/store/mongo/devices.js';
import { enrolmentFilters } from '../../server/src/store/mongo/enrolments.js';
import { envelopePrekeyFilters } from '../../server/src/store/mongo/envelope-prekeys.js';
import { kolokolMongoose } from '../../server/src/store/mongo/mongoose.js';
import { offerFilters } from '../../server/src/store/mongo/offers.js';
import { prekeyFilters } from '../../server/src/store/mongo/prekeys.js';
import { proposalFilters } from '../../server/src/store/mongo/proposals.js';
import { reportFilters } from '../../server/src/store/mongo/reports.js';
import { requestFilters } from '../../server/src/store/mongo/requests.js';
import { sessionFilters } from '../../server/src/store/mongo/sessions.js';
import { vettingFilters } from '../../server/src/store/mongo/vetting.js';
import { offlineContext } from './support/mongo-offline.js';

const { models } = offlineContext();
const hash = new Uint8Array(32).fill(3);

/** A builder, the model its filter is for, and validated arguments of the right types. */
type Case = readonly [model: keyof MongoModels, args: readonly unknown[]];

const FILTERS: Record<string, Record<string, (...args: never[]) => unknown>> = {
  accountFilters,
  auditFilters,
  certificateFilters,
  challengeFilters,
  conversationFilters,
  deviceFilters,
  enrolmentFilters,
  envelopePrekeyFilters,
  offerFilters,
  prekeyFilters,
  proposalFilters,
  reportFilters,
  requestFilters,
  sessionFilters,
  vettingFilters,
};

const CASES: Record<string, Case> = {
  'accountFilters.byId': ['accounts', ['acc-1']],
  'accountFilters.byHandle': ['accounts', ['alice']],
  'accountFilters.staff': ['accounts', []],
  'accountFilters.activeAmong': ['accounts', [['a', 'b']]],
  'accountFilters.keyBackupIs': ['accounts', ['acc-1', hash]],
  'accountFilters.secretsAre': ['accounts', ['acc-1', hash, hash]],
  'auditFilters.byDigest': ['audit', [hash]],
  'auditFilters.byHash': ['audit', [hash]],
  'auditFilters.after': ['audit', [3]],
  'certificateFilters.ofAccount': ['certificates', ['acc-1']],
  'certificateFilters.olderList': ['revocationLists', [5]],
  'challengeFilters.expired': ['spentChallenges', [5]],
  'conversationFilters.openPair': ['conversations', ['b', 'a']],
  'conversationFilters.ofAccount': ['conversations', ['a']],
  'conversationFilters.openOfAccount': ['conversations', ['a']],
  'conversationFilters.openById': ['conversations', ['c']],
  'conversationFilters.atSeq': ['conversations', ['c', 4]],
  'conversationFilters.sent': ['messages', ['c', 'a', 'm']],
  'conversationFilters.pendingOf': ['envelopes', ['c', 'd']],
  'conversationFilters.envelopesAfter': ['envelopes', ['c', 'd', 2, 100]],
  'conversationFilters.envelopesUpTo': ['envelopes', ['c', 'd', 2]],
  'conversationFilters.ackOf': ['conversationDevices', ['c', 'd']],
  'conversationFilters.acksOf': ['conversationDevices', [['c1', 'c2'], 'd']],
  'conversationFilters.messagesSentBy': ['messages', [100]],
  'conversationFilters.expiredMessages': ['messages', ['c', 100]],
  'conversationFilters.expiredEnvelopes': ['envelopes', ['c', 100]],
  'conversationFilters.closed': ['conversations', []],
  'conversationFilters.ofConversations': ['messages', [['c1', 'c2']]],
  'conversationFilters.acksIn': [
    'conversationDevices',
    [
      ['c1', 'c2'],
      ['d1', 'd2'],
    ],
  ],
  'conversationFilters.devicesOf': ['devices', [['a', 'b']]],
  'deviceFilters.ofAccount': ['devices', ['a']],
  'deviceFilters.ofAccountById': ['devices', ['a', 'd']],
  'deviceFilters.pendingOf': ['pendingDevices', ['a', 'd', 5]],
  'deviceFilters.expiredPendingOf': ['pendingDevices', ['a', 5]],
  'deviceFilters.expiredPending': ['pendingDevices', [5]],
  'deviceFilters.listAt': ['deviceLists', ['a', 2]],
  'enrolmentFilters.pendingFor': ['enrolments', ['mod', 5]],
  'enrolmentFilters.pending': ['enrolments', [5]],
  'envelopePrekeyFilters.ofAccounts': ['envelopePrekeys', [['a', 'b']]],
  'offerFilters.ofAccounts': ['offers', [['a', 'b']]],
  'prekeyFilters.ofDevice': ['oneTimePrekeys', ['d']],
  'prekeyFilters.idsOfDevice': ['oneTimeKemPrekeys', ['d', [1, 2]]],
  'proposalFilters.casState': ['proposals', ['p', ['pending', 'approved']]],
  'proposalFilters.requestCas': ['requests', ['r', ['proposed']]],
  'proposalFilters.pending': ['proposals', []],
  'proposalFilters.ofVolunteer': ['proposals', ['v', ['accepted']]],
  'proposalFilters.ofContact': ['proposals', ['c', ['accepted']]],
  'proposalFilters.decidedOf': ['proposals', ['r']],
  'proposalFilters.inStates': ['proposals', [['pending']]],
  'proposalFilters.acceptedBetween': ['proposals', ['c', 'v']],
  'proposalFilters.everApproved': ['proposals', []],
  'proposalFilters.overdue': ['proposals', [5]],
  'proposalFilters.blocked': ['pairBars', ['c', 'v']],
  'proposalFilters.barsBetween': ['pairBars', ['c', 'v']],
  'proposalFilters.openConversationsOf': ['conversations', [['c', 'v']]],
  'proposalFilters.openConversations': ['conversations', []],
  'reportFilters.openPair': ['reports', ['r', 's']],
  'reportFilters.openOfReporter': ['reports', ['r']],
  'reportFilters.openFromNewAbout': ['reports', ['s']],
  'reportFilters.closeable': ['reports', ['rep', 's']],
  'reportFilters.openPage': [
    'reports',
    [
      {
        subjectRoles: ['volunteer'],
        excludeSubject: 'm',
        after: { createdAt: 5, id: 'x' },
        limit: 10,
      },
      ['s', 'm'],
    ],
  ],
  'reportFilters.open': ['reports', []],
  'reportFilters.closedAfter': ['reports', ['rep']],
  'reportFilters.purgeable': ['reports', [5]],
  'requestFilters.byClientId': ['requests', ['o', 'c']],
  'requestFilters.liveOf': ['requests', ['o', ['open', 'proposed']]],
  'requestFilters.inState': ['requests', ['open']],
  'requestFilters.ofOwner': ['requests', ['o']],
  'requestFilters.transition': ['requests', ['r', ['open'], 'o']],
  'requestFilters.expirable': ['requests', [['open'], 5]],
  'requestFilters.purgeable': ['requests', [['expired'], 5]],
  'sessionFilters.byId': ['sessions', ['s']],
  'sessionFilters.byTokenHash': ['sessions', [hash]],
  'sessionFilters.bindable': ['sessions', ['s', 'd']],
  'sessionFilters.unrevoked': ['sessions', ['s']],
  'sessionFilters.liveOfAccount': ['sessions', ['a', 5, 's']],
  'sessionFilters.unrevokedOfDevice': ['sessions', ['d']],
  'sessionFilters.liveAmong': ['sessions', [['s1', 's2'], 5]],
  'sessionFilters.purgeable': ['sessions', [5]],
  'vettingFilters.ofVolunteers': ['vetting', [['v1']]],
  'vettingFilters.endorsementsOf': ['endorsements', ['v1']],
};

const builders = Object.entries(FILTERS).flatMap(([group, builder]) =>
  Object.keys(builder).map((name) => `${group}.${name}`),
);

function build(name: string, args: readonly unknown[]) {
  const [group, builder] = name.split('.') as [string, string];
  const make = FILTERS[group]?.[builder] as ((...args: unknown[]) => unknown) | undefined;
  if (make === undefined) throw new Error(`no builder ${name}`);
  const [modelName] = CASES[name] ?? [];
  if (modelName === undefined) throw new Error(`no case for ${name}`);
  const model = models[modelName] as unknown as {
    find(filter: unknown): {
      getFilter(): Record<string, unknown>;
      cast(model: unknown): Record<string, unknown>;
    };
  };
  return { query: model.find(make(...args)), model };
}

/** Every path a filter names, walking $and/$or/$nor (the only logical operators it may use). */
function pathsIn(filter: Record<string, unknown>): string[] {
  return Object.entries(filter).flatMap(([key, value]) =>
    ['$and', '$or', '$nor'].includes(key)
      ? (value as Record<string, unknown>[]).flatMap(pathsIn)
      : [key],
  );
}

describe('every filter builder has a case', () => {
  it('and every case a builder', () => {
    expect([...builders].sort()).toEqual(Object.keys(CASES).sort());
  });
});

describe('every filter survives sanitizeFilter, names declared paths and casts', () => {
  it.each(builders)('%s', (name) => {
    const [modelName, args] = CASES[name] ?? ['accounts', []];
    const { query, model } = build(name, args);
    const filter = query.getFilter();
    const before = JSON.stringify(filter);
    // The very function Query runs before every operation when sanitizeFilter is on.
    kolokolMongoose.sanitizeFilter(filter);
    expect(JSON.stringify(filter)).toBe(before);
    expect(JSON.stringify(filter)).not.toContain('"$eq"');
    const declared = Object.keys(models[modelName].schema.paths);
    for (const path of pathsIn(filter)) {
      expect({ path, declared: declared.includes(path) }).toEqual({ path, declared: true });
    }
    expect(() => query.cast(model)).not.toThrow();
  });
});

describe('an operator object where a value belongs is neutralised', () => {
  const hostile = (): unknown => JSON.parse('{"$ne":null}');
  const withScalarArgs = builders.filter((name) =>
    (CASES[name]?.[1] ?? []).some((arg) => typeof arg === 'string' || typeof arg === 'number'),
  );

  it.each(withScalarArgs)('%s', (name) => {
    const [, args] = CASES[name] ?? ['accounts', []];
    args.forEach((arg, index) => {
      if (typeof arg !== 'string' && typeof arg !== 'number') return;
      const poisoned = args.map((value, i) => (i === index ? hostile() : value));
      const { query, model } = build(name, poisoned);
      const filter = query.getFilter();
      kolokolMongoose.sanitizeFilter(filter);
      // Either wrapped ($eq: {$ne: null} matches only that literal object) or refused by the cast.
      let refused = false;
      try {
        query.cast(model);
      } catch (error) {
        refused = (error as Error).name === 'CastError';
      }
      const wrapped = JSON.stringify(filter).includes('{"$eq":{"$ne":null}}');
      expect({ name, index, neutralised: refused || wrapped }).toEqual({
        name,
        index,
        neutralised: true,
      });
      expect({ name, index, refusedByCast: refused }).toEqual({ name, index, refusedByCast: true });
    });
  });
});

/** A filter as JSON sees it (without mongoose's trusted marks). */
function plain(filter: unknown): unknown {
  return JSON.parse(JSON.stringify(filter));
}

describe('what some filters say', () => {
  it('orders the pair of an open conversation as it is stored', () => {
    expect(
      plain(models.conversations.find(conversationFilters.openPair('b', 'a')).getFilter()),
    ).toEqual({
      firstId: 'a',
      secondId: 'b',
      open: true,
    });
  });

  it('reads live sessions of an account but the kept one', () => {
    expect(
      plain(models.sessions.find(sessionFilters.liveOfAccount('a', 5, 's')).getFilter()),
    ).toEqual({
      accountId: 'a',
      revokedAt: null,
      expiresAt: { $gt: 5 },
      _id: { $ne: 's' },
    });
  });

  it('moves a request only from the states the domain saw, and only the owner’s when named', () => {
    expect(
      plain(
        models.requests.find(requestFilters.transition('r', ['open', 'proposed'], 'o')).getFilter(),
      ),
    ).toEqual({ _id: 'r', state: { $in: ['open', 'proposed'] }, ownerId: 'o' });
    expect(
      plain(models.requests.find(requestFilters.transition('r', ['open'])).getFilter()),
    ).toEqual({
      _id: 'r',
      state: { $in: ['open'] },
    });
  });

  it('pages open reports after a (createdAt, id) cursor and never about the asking moderator', () => {
    const filter = models.reports
      .find(
        reportFilters.openPage(
          {
            subjectRoles: ['volunteer'],
            excludeSubject: 'm',
            after: { createdAt: 5, id: 'x' },
            limit: 3,
          },
          ['s', 'm'],
        ),
      )
      .getFilter();
    expect(plain(filter)).toEqual({
      state: 'open',
      subjectId: { $in: ['s'] },
      $or: [{ createdAt: { $gt: 5 } }, { createdAt: 5, _id: { $gt: 'x' } }],
    });
  });
});
