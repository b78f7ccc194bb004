// Dates and lists in the person's language, by Intl (no catalogue entry, no library).
import type { Locale } from './locale.js';

/** "30 нояб. 2026 г., 09:15" / "Nov 30, 2026, 9:15 AM", in this device's time zone. */
export function dateTime(ms: number, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** "a, b и c" / "a, b, and c". */
export function listOf(items: readonly string[], locale: Locale): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
}
