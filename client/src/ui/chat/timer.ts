// The disappearing-message timer: the choices the chat offers (within the protocol's hour to four
// weeks) and how a timer reads, in the person's language with the right plural, by Intl.
import { CONVERSATION_TTL_SECONDS } from '@kolokol/shared';
import type { Locale } from '../flows/locale.js';

const HOUR = 3600;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** The timers offered, shortest first; the contact's default (a week) among them. */
export const TIMER_CHOICES: readonly number[] = [
  HOUR,
  8 * HOUR,
  DAY,
  3 * DAY,
  WEEK,
  2 * WEEK,
  4 * WEEK,
].filter(
  (seconds) => seconds >= CONVERSATION_TTL_SECONDS.min && seconds <= CONVERSATION_TTL_SECONDS.max,
);

/** "1 неделя", "8 hours": the largest whole unit that states the timer exactly. */
export function timerLabel(seconds: number, locale: Locale): string {
  const [value, unit] =
    seconds % WEEK === 0
      ? [seconds / WEEK, 'week']
      : seconds % DAY === 0
        ? [seconds / DAY, 'day']
        : [Math.round(seconds / HOUR), 'hour'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}
