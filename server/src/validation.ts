// Parse at the edge, once: turn an unknown value into a schema's output or a BAD_REQUEST
// AppError whose message names the field and the rule, never the offending value.
import type { z } from 'zod';
import { AppError } from './errors.js';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new AppError('BAD_REQUEST', `${where}${issue?.message ?? 'invalid payload'}`);
}
