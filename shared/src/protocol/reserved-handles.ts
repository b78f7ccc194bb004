// Handles that self-registration may not take because they would pass for the organisation or its
// staff: a few words, anything containing a few stems (admin, moderator, support, kolokol), and
// look-alikes of these and of every staff handle. The operator's enrolment may still use them.
// Registration answers CONFLICT "handle is not available", as for a taken handle.

/** Characters that read as another one: the digit or letter on the left folds to the right. */
const LOOK_ALIKE_CHARACTERS: ReadonlyMap<string, string> = new Map([
  ['0', 'o'],
  ['1', 'l'],
  ['i', 'l'],
  ['2', 'z'],
  ['3', 'e'],
  ['4', 'a'],
  ['5', 's'],
  ['6', 'b'],
  ['7', 't'],
  ['8', 'b'],
  ['9', 'g'],
]);

/** Letter pairs that read as one letter in many fonts, folded after the characters above. */
const LOOK_ALIKE_PAIRS: readonly (readonly [string, string])[] = [
  ['rn', 'm'],
  ['vv', 'w'],
  ['cl', 'd'],
];

/**
 * Whole handles that are reserved (compared by look-alike key): names a reader would take for
 * the service, its staff or its mailboxes.
 */
export const RESERVED_HANDLE_WORDS = [
  'abuse',
  'help',
  'helpdesk',
  'info',
  'mod',
  'mods',
  'noreply',
  'official',
  'operator',
  'owner',
  'podderzhka',
  'postmaster',
  'root',
  'security',
  'service',
  'staff',
  'sysop',
  'system',
  'team',
  'webmaster',
] as const;

/** Reserved anywhere in a handle (compared by look-alike key): `the_admin`, `kolokol.news`. */
export const RESERVED_HANDLE_STEMS = ['admin', 'kolokol', 'moderator', 'support'] as const;

/**
 * The look-alike key of a handle: lower-cased, separators (`_`, `.`, `-`) dropped, characters and
 * pairs that pass for each other folded to one. Two handles with one key look alike to a reader.
 */
export function lookAlikeKey(handle: string): string {
  let key = '';
  for (const character of handle.toLowerCase()) {
    if (character === '_' || character === '.' || character === '-') continue;
    key += LOOK_ALIKE_CHARACTERS.get(character) ?? character;
  }
  for (const [pair, single] of LOOK_ALIKE_PAIRS) key = key.split(pair).join(single);
  return key;
}

const RESERVED_WORD_KEYS = new Set(RESERVED_HANDLE_WORDS.map(lookAlikeKey));
const RESERVED_STEM_KEYS = RESERVED_HANDLE_STEMS.map(lookAlikeKey);

/**
 * True when self-registration may not take `handle`: it looks like a reserved word, contains a
 * reserved stem, or looks like one of `staffHandles` (moderators, admins, pending enrolments).
 */
export function isReservedHandle(handle: string, staffHandles: Iterable<string> = []): boolean {
  const key = lookAlikeKey(handle);
  if (RESERVED_WORD_KEYS.has(key)) return true;
  if (RESERVED_STEM_KEYS.some((stem) => key.includes(stem))) return true;
  for (const staff of staffHandles) if (lookAlikeKey(staff) === key) return true;
  return false;
}
