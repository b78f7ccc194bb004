// What several server processes must share to act as one — limits, the per-account socket count,
// socket.io's delivery between processes — behind one interface: kept in this process's memory
// when REDIS_URL is unset (one process, the hot paths synchronous as before), in Redis when it is
// set (docs/deploy.md, "Redis"). Revocations need nothing of their own: they are socket.io room
// broadcasts, which the adapter carries to every process, with the store recheck behind them.
import { randomBytes } from 'node:crypto';
import type { ServerOptions } from 'socket.io';
import type { Budgets } from '../domain/budget.js';
import type { SocketSlots } from '../realtime/socket-slots.js';
import { memoryLimiters, type LimiterFactory } from './limiters.js';

/** The per-event windows of the router, counted in one step for a session and its account. */
export interface SharedEventWindows {
  /** Counts one event; false when the session's or the account's window is over its limit. */
  take(sessionId: string, accountId: string): Promise<boolean>;
}

export interface SharedState {
  /** `memory` for one process; `redis` when every process shares Redis. */
  readonly kind: 'memory' | 'redis';
  readonly limiters: LimiterFactory;
  /** Shared socket slots; undefined keeps the realtime layer's synchronous in-process registry. */
  readonly slots: SocketSlots | undefined;
  /** Shared event windows; undefined keeps the router's synchronous in-process windows. */
  readonly eventWindows: SharedEventWindows | undefined;
  /** The domain's shared budgets; undefined keeps each service's synchronous in-memory budget. */
  readonly budgets: Budgets | undefined;
  /** socket.io's adapter for delivery between processes; undefined: the in-memory default. */
  readonly adapter: ServerOptions['adapter'] | undefined;
  /**
   * The key under which limit keys that name people (handles, addresses) are hashed: random per
   * process in memory, one per deployment in Redis so that every process counts the same key.
   */
  readonly limitKeyKey: Uint8Array;
  /** Resolves when what is shared answers (Redis's PING); used by /readyz beside the store's. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** One process, everything in memory: the behaviour without REDIS_URL. */
export function memorySharedState(): SharedState {
  return {
    kind: 'memory',
    limiters: memoryLimiters,
    slots: undefined,
    eventWindows: undefined,
    budgets: undefined,
    adapter: undefined,
    limitKeyKey: new Uint8Array(randomBytes(32)),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}
