// When matching runs, through the real server: runs asked for during a run are coalesced into a
// single run after it, and runs rest between them; the timer runs it with nothing else happening; and KOLOKOL_CRITICAL_SKILLS
// decides which proposals need two moderators (an unknown code stops start-up).
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRootPublicKey } from '@kolokol/shared/crypto';
import { ConfigError, loadConfig } from '../../server/src/config/config.js';
import { MIN_MATCH_REST_MS } from '../../server/src/domain/moderation/moderation-limits.js';
import { closeAllSockets } from '../support/client.js';
import { countingStore, type CountingStore } from '../support/counting-store.js';
import {
  contactWithRequest,
  freshLanguage,
  moderationBoard,
  pendingEntry,
  vettedVolunteer,
  type Board,
} from '../support/matching.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { testOrganisation } from '../support/audit.js';

const RUN = 'requests.listRequestsInState';
let open: (TestServer | Board)[] = [];

afterEach(async () => {
  closeAllSockets();
  for (const item of open) await ('anna' in item ? item.server : item).close();
  open = [];
});

async function countingServer(env: Record<string, string> = {}) {
  let counting: CountingStore | undefined;
  const server = await startTestServer(
    { KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(testOrganisation().root.publicKey), ...env },
    {
      wrapStore: (store) => {
        counting = countingStore(store);
        return counting.store;
      },
    },
  );
  open.push(server);
  if (counting === undefined) throw new Error('store not wrapped');
  return { server, counting };
}

describe('matching runs', () => {
  it('coalesces: five asks while a run goes on make one more run, not five', async () => {
    const { server, counting } = await countingServer();
    const { proposer } = server.server.services;
    await proposer.idle();
    counting.reset();
    const asked = [1, 2, 3, 4, 5].map(() => proposer.request());
    await Promise.all(asked);
    await proposer.idle();
    expect(counting.calls()[RUN]).toBe(2);
  });

  it('rests between runs: a storm of asks for a second makes a few runs, not hundreds', async () => {
    const { server, counting } = await countingServer();
    const { proposer } = server.server.services;
    await proposer.idle();
    counting.reset();
    const started = performance.now();
    let asks = 0;
    while (performance.now() - started < 1000) {
      void proposer.request();
      asks += 1;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await proposer.idle();
    const elapsed = performance.now() - started;
    expect(asks).toBeGreaterThan(100);
    // Each run is followed by a rest of at least MIN_MATCH_REST_MS.
    expect(counting.calls()[RUN]).toBeLessThanOrEqual(Math.ceil(elapsed / MIN_MATCH_REST_MS) + 1);
    expect(counting.calls()[RUN]).toBeGreaterThanOrEqual(2);
  });

  it('runs on the timer (KOLOKOL_MATCH_INTERVAL_SECONDS) with nothing else happening', async () => {
    const { server, counting } = await countingServer({ KOLOKOL_MATCH_INTERVAL_SECONDS: '1' });
    await server.server.services.proposer.idle();
    counting.reset();
    const deadline = Date.now() + 10_000;
    while ((counting.calls()[RUN] ?? 0) < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(counting.calls()[RUN]).toBeGreaterThanOrEqual(2);
  });
});

describe('KOLOKOL_CRITICAL_SKILLS', () => {
  it('refuses an unknown skill code, naming the variable only', () => {
    expect(() =>
      loadConfig({ KOLOKOL_CRITICAL_SKILLS: 'legal.military-law,no.such-skill' }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ KOLOKOL_CRITICAL_SKILLS: 'no.such-skill' })).toThrow(
      /KOLOKOL_CRITICAL_SKILLS/,
    );
    expect(
      loadConfig({ KOLOKOL_CRITICAL_SKILLS: ' legal.military-law , safety.digital ' })
        .criticalSkills,
    ).toEqual(['legal.military-law', 'safety.digital']);
  });

  it('a configured critical skill makes its proposals need two moderators', async () => {
    const board = await moderationBoard({ KOLOKOL_CRITICAL_SKILLS: 'legal.military-law' });
    open.push(board);
    const language = freshLanguage();
    await vettedVolunteer(board, {
      skills: [{ code: 'legal.military-law', level: 2 }],
      languages: [language],
    });
    const contact = await contactWithRequest(board, {
      skills: ['legal.military-law'],
      languages: [language],
    });
    expect((await pendingEntry(board.anna, contact.requestId)).proposal.approvalsNeeded).toBe(2);
  });
});
