// prekeys.fetch: another account's device list and a bundle per device, each consuming one-time
// prekeys of its device. Fetches are budgeted here per (caller, target) and per caller, a call
// counting once whatever the number of devices; many cheap callers together are held to the
// per-device budget of one-time prekeys in PrekeyService, after the channel check.
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { PrekeyService } from '../../domain/prekeys.js';
import { AppError } from '../../errors.js';
import type { LimiterFactory } from '../../scale/limiters.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

const HOUR_SECONDS = 3600;

export interface PrekeyFetchLimits {
  readonly perPairPerHour: number;
  readonly perCallerPerHour: number;
}

export function prekeysFetch(
  prekeys: PrekeyService,
  limits: PrekeyFetchLimits,
  limiters: LimiterFactory,
) {
  const perPair = limiters({
    keyPrefix: 'bundle-pair',
    points: limits.perPairPerHour,
    duration: HOUR_SECONDS,
  });
  const perCaller = limiters({
    keyPrefix: 'bundle-caller',
    points: limits.perCallerPerHour,
    duration: HOUR_SECONDS,
  });
  return defineHandler({
    event: 'prekeys.fetch',
    roles: EVERY_ROLE,
    device: 'required',
    handle: async ({ accountId, deviceId }, { caller }) => {
      const refused = (error: unknown) => {
        if (error instanceof RateLimiterRes)
          return new AppError('RATE_LIMITED', 'too many bundle fetches; try later');
        return error;
      };
      await perCaller.consume(caller.accountId).catch((error: unknown) => {
        throw refused(error);
      });
      await perPair.consume(`${caller.accountId}:${accountId}`).catch(async (error: unknown) => {
        // A refused fetch costs the caller nothing of its overall budget.
        await perCaller.reward(caller.accountId, 1);
        throw refused(error);
      });
      return prekeys.fetchBundles(caller, accountId, deviceId);
    },
  });
}
