// Compares server settings on the relay in interleaved rounds: one server process per setting,
// the same 100 pairs and closed loop as `relay.throughput`, and per round each server's messages/s
// and its CPU per message split into user and kernel time (Linux /proc). Not part of `npm run
// bench`: a tool for deciding a change on a shared machine, where only interleaved rounds compare
// (docs/relay.md).
//
//   RELAY_AB='[{}, {"NODE_OPTIONS": "--max-semi-space-size=32"}]' RELAY_AB_ROUNDS=5 \
//     npx tsx bench/relay-ab.ts
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { closedLoop, openRelay, median, type Load } from './suites/relay-conversations.js';

/** USER_HZ: the unit of /proc/<pid>/stat's CPU times on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;
const settingsSchema = z.array(z.record(z.string(), z.string())).min(1).max(6);

async function userAndSystemSeconds(pid: number): Promise<[number, number]> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[11]) / CLOCK_TICKS_PER_SECOND, Number(fields[12]) / CLOCK_TICKS_PER_SECOND];
}

const settings = settingsSchema.parse(JSON.parse(process.env.RELAY_AB ?? '[{}]'));
const rounds = Math.min(20, Math.max(1, Number(process.env.RELAY_AB_ROUNDS ?? 3)));
const loads: Load[] = [];
try {
  for (const env of settings) loads.push(await openRelay(env));
  const results = settings.map(() => ({
    rates: [] as number[],
    cpu: [] as number[],
    lines: [] as string[],
  }));
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, load] of loads.entries()) {
      if (load.pid === undefined) throw new Error('the relay load has no server process');
      const [user, system] = await userAndSystemSeconds(load.pid);
      const stats = await closedLoop(load.senders);
      const [userAfter, systemAfter] = await userAndSystemSeconds(load.pid);
      const perMessage = (seconds: number) => (seconds * 1e6) / Math.max(1, stats.completed);
      const result = results[index]!;
      result.rates.push(stats.perSecond);
      result.cpu.push(perMessage(userAfter - user + systemAfter - system));
      result.lines.push(
        `${Math.round(stats.perSecond)}/s user ${Math.round(perMessage(userAfter - user))} µs + kernel ${Math.round(perMessage(systemAfter - system))} µs`,
      );
    }
  }
  for (const [index, env] of settings.entries()) {
    const result = results[index]!;
    console.log(JSON.stringify(env));
    console.log(`  ${result.lines.join(' | ')}`);
    console.log(
      `  median ${Math.round(median(result.rates))}/s, ${Math.round(median(result.cpu))} µs of server CPU a message`,
    );
  }
} finally {
  for (const load of loads) await load.close();
}
