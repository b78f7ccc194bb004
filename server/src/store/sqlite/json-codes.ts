// Codes stored as text (a state, a region) or as JSON lists (skills, languages, regions), checked
// against shared's schemas on every read: a value the schemas refuse means a corrupted or tampered file.
import { z } from 'zod';

/** JSON text of a list of codes, to bind into a statement. */
export function toJsonList(list: readonly unknown[]): string {
  return JSON.stringify(list);
}

/** Parses a stored JSON list with `item`; throws (INTERNAL for a caller) if it does not fit. */
export function fromJsonList<S extends z.ZodType>(
  text: string,
  item: S,
  column: string,
): z.output<S>[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`store: ${column} is not JSON`);
  }
  const parsed = z.array(item).safeParse(value);
  if (!parsed.success) throw new Error(`store: unexpected ${column} in database`);
  return parsed.data;
}

/** Parses a stored code with `schema`; throws (INTERNAL for a caller) if it does not fit. */
export function fromColumn<S extends z.ZodType>(
  text: string,
  schema: S,
  column: string,
): z.output<S> {
  const parsed = schema.safeParse(text);
  if (!parsed.success) throw new Error(`store: unexpected ${column} in database`);
  return parsed.data;
}
