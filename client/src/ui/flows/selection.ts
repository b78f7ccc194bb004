// Choosing a few of many (skills, languages, regions): pure helpers the pickers share, so a
// list never holds an item twice and never grows past its limit.

/** `list` with `item` added (at the end) or removed; unchanged when adding would pass `max`. */
export function toggled<T>(list: readonly T[], item: T, max: number): T[] {
  if (list.includes(item)) return list.filter((other) => other !== item);
  if (list.length >= max) return [...list];
  return [...list, item];
}
