// The domain's budgets (messages per minute, request creations, reports, one-time prekeys per
// target) behind one port, so that a budget is counted in this process's memory when it runs
// alone and in Redis when several processes share one deployment (scale/redis-budgets.ts). The
// in-memory budget answers synchronously: the relay's hot path awaits only a shared one.
import type { Clock } from './clock.js';
import { HourlyBudget } from './hourly-budget.js';

/** A per-key token bucket: `perWindow` units refilled continuously over `windowMs`. */
export interface Budget {
  /** Takes one unit for `key` and says true, or says false and takes nothing. */
  tryTake(key: string): boolean | Promise<boolean>;
  /** Returns a unit that was taken for nothing. */
  giveBack(key: string): undefined | Promise<void>;
}

export interface BudgetOptions {
  /** Names the budget; keys of different budgets never collide. */
  readonly name: string;
  readonly perWindow: number;
  readonly windowMs: number;
}

export type Budgets = (options: BudgetOptions) => Budget;

export const HOUR_MS = 3600 * 1000;

/** One process: every budget in memory, driven by the injected clock, exactly as before Redis. */
export function memoryBudgets(clock: Clock): Budgets {
  return ({ perWindow, windowMs }) => {
    const budget = new HourlyBudget(perWindow, clock, windowMs);
    return {
      tryTake: (key) => budget.tryTake(key),
      giveBack: (key) => {
        budget.giveBack(key);
        return undefined;
      },
    };
  };
}
