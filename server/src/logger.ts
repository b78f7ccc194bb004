// Structured logs (pino). Lines carry event names, error codes and timings only; the redact
// list is a second line of defence should a payload, token, handle or address slip in.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'token',
  '*.token',
  'auth',
  '*.auth',
  'authorization',
  '*.authorization',
  'headers',
  '*.headers',
  'handle',
  '*.handle',
  'payload',
  '*.payload',
  'body',
  '*.body',
  'ip',
  '*.ip',
  'address',
  '*.address',
  'signature',
  '*.signature',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { service: 'kolokol' },
      // No hostname or pid: a seized log should say as little about the deployment as it can.
      formatters: { bindings: () => ({}) },
    },
    destination,
  );
}

/** What may be logged about a thrown value: its class name, never its message (which may quote data). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
