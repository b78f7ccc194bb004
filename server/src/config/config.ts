// Environment → validated settings, with embedded defaults, so `npm start` needs no setup.
// A bad value stops start-up with a message that names the variable (never its value).
import path from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_CRITICAL_SKILLS,
  MAX_DEVICES_PER_ACCOUNT_CEILING,
  isSkillCode,
  type SkillCode,
  MAX_ONE_TIME_PREKEYS_STORED,
  ONE_TIME_PREKEYS_LOW_WATER,
} from '@kolokol/shared';
import { decodeRootPublicKey } from '@kolokol/shared/crypto';
import { LARGEST_EVENT_PAYLOAD_BYTES, PACKET_FRAMING_BYTES } from '../realtime/limits.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** redis:// (cleartext) only on this machine; rediss:// (TLS) anywhere. */
function isAcceptableRedisUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.hostname === '' || url.search !== '' || url.hash !== '') return false;
  if (url.protocol === 'rediss:') return true;
  return url.protocol === 'redis:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** Each variable: its schema and default. The README's configuration table mirrors this. */
export const CONFIG_VARIABLES = {
  PORT: port.default(8080),
  KOLOKOL_HOST: z.string().min(1).default('127.0.0.1'),
  KOLOKOL_DATA_DIR: z.string().min(1).default('./data'),
  // At most 4 KiB: a connection string listing every member of a large replica set fits.
  MONGODB_URI: z
    .string()
    .max(4096)
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'not a MongoDB connection string')
    .optional(),
  // Several server processes share socket.io delivery, limits and revocations through Redis
  // (docs/deploy.md, "Redis"). Plain redis:// only to a loopback host; anything else must be TLS.
  REDIS_URL: z
    .string()
    .optional()
    .refine((text) => text === undefined || isAcceptableRedisUrl(text), {
      message: 'not a redis:// URL to a loopback host or a rediss:// URL',
    }),
  // Every key and stream Kolokol writes in Redis starts with this, so deployments can share one.
  KOLOKOL_REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}:$/)
    .default('kolokol:'),
  KOLOKOL_ALLOWED_ORIGINS: z.string().optional(),
  KOLOKOL_TRUST_PROXY: z
    .string()
    .regex(/^(false|loopback|\d{1,2})$/)
    .default('false'),
  KOLOKOL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  KOLOKOL_SESSION_TTL_SECONDS: positiveInt.max(30 * 24 * 3600).default(24 * 3600),
  KOLOKOL_SESSION_RECHECK_SECONDS: positiveInt.max(3600).default(15),
  KOLOKOL_MAX_JSON_BODY_BYTES: positiveInt.max(1024 * 1024).default(16 * 1024),
  // Default: the largest event payload plus packet framing; no bigger message could be accepted.
  KOLOKOL_MAX_SOCKET_MESSAGE_BYTES: positiveInt
    .min(4096)
    .max(4 * 1024 * 1024)
    .default(LARGEST_EVENT_PAYLOAD_BYTES + PACKET_FRAMING_BYTES),
  KOLOKOL_MAX_SOCKETS_PER_ACCOUNT: positiveInt.max(100).default(5),
  KOLOKOL_SOCKET_EVENTS_PER_SECOND: positiveInt.max(10_000).default(50),
  KOLOKOL_ACCOUNT_EVENTS_PER_SECOND: positiveInt.max(10_000).default(100),
  KOLOKOL_SOCKET_CONNECTS_PER_ACCOUNT_PER_MINUTE: positiveInt.max(10_000).default(30),
  KOLOKOL_ALLOW_POLLING: flag.default(false),
  KOLOKOL_HTTP_HEADERS_TIMEOUT_SECONDS: positiveInt.max(60).default(10),
  KOLOKOL_HTTP_REQUEST_TIMEOUT_SECONDS: positiveInt.max(300).default(30),
  KOLOKOL_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: positiveInt.max(120).default(5),
  KOLOKOL_MAX_CONNECTIONS: positiveInt.max(100_000).default(1000),
  KOLOKOL_AUTH_ATTEMPTS_PER_HANDLE: positiveInt.max(1_000_000).default(20),
  KOLOKOL_AUTH_ATTEMPTS_PER_CLIENT: positiveInt.max(1_000_000).default(100),
  KOLOKOL_AUTH_WINDOW_SECONDS: positiveInt.max(24 * 3600).default(15 * 60),
  KOLOKOL_AUTH_CALM_REQUESTS_PER_MINUTE: positiveInt.max(1_000_000).default(120),
  KOLOKOL_REGISTRATIONS_PER_HOUR: positiveInt.max(1_000_000).default(100),
  KOLOKOL_SHUTDOWN_GRACE_MS: positiveInt.max(120_000).default(10_000),
  KOLOKOL_ENROLMENT_TTL_HOURS: positiveInt.max(24 * 30).default(72),
  KOLOKOL_PREKEY_FETCHES_PER_PAIR_PER_HOUR: positiveInt.max(100_000).default(5),
  KOLOKOL_PREKEY_FETCHES_PER_CALLER_PER_HOUR: positiveInt.max(100_000).default(60),
  // As many per hour as the low-water mark: after a `prekeys.low` push the owner has about an
  // hour to upload more before the pool can run dry, and a full pool lasts a day under attack.
  KOLOKOL_ONE_TIME_PREKEYS_PER_TARGET_PER_HOUR: positiveInt
    .max(MAX_ONE_TIME_PREKEYS_STORED)
    .default(ONE_TIME_PREKEYS_LOW_WATER),
  // A phone, a laptop, a tablet and room to replace one: each device is another place the
  // account's identity lives, so the default stays small; a device list names at most 20.
  KOLOKOL_MAX_DEVICES_PER_ACCOUNT: positiveInt.max(MAX_DEVICES_PER_ACCOUNT_CEILING).default(5),
  // A week: long enough that aging throwaway accounts costs an attacker real time, short
  // enough that a new contact's abuse reports soon count like an established account's.
  KOLOKOL_NEW_ACCOUNT_HOURS: positiveInt.max(90 * 24).default(7 * 24),
  // Enough for a contact with two or three separate problems (a summons and a relative in
  // detention); each live request is a row with up to ~37 KB of sealed details and work for the
  // moderators, and accounts are free to make.
  KOLOKOL_MAX_OPEN_REQUESTS: positiveInt.max(20).default(3),
  // Ten an hour: the live cap alone would let a contact create and cancel in a loop, each time
  // writing ~37 KB of sealed details that stay until the retention ends.
  KOLOKOL_REQUEST_CREATES_PER_HOUR: positiveInt.max(100).default(10),
  // Two weeks: a request nobody took up by then is likely stale (the contact found help, or the
  // situation changed); the contact can make it again. Its sealed details are deleted on expiry.
  KOLOKOL_REQUEST_EXPIRY_HOURS: positiveInt.max(90 * 24).default(14 * 24),
  // A week: long enough for the contact's devices to see how a request ended, short enough that a
  // seized server holds little of who asked for what. Ended requests have no details left.
  KOLOKOL_ENDED_REQUEST_RETENTION_HOURS: positiveInt.max(90 * 24).default(7 * 24),
  // Two a second on average with bursts of a minute's worth: more than a person types on all
  // their devices together, few enough that one account cannot fill disks with envelopes.
  KOLOKOL_CONVERSATION_MESSAGES_PER_MINUTE: positiveInt.max(1_000_000).default(120),
  // Two days: a volunteer may be away for a weekend; past that the contact should not wait for
  // them any longer, and the request goes back to matching.
  KOLOKOL_MATCH_ACCEPT_TIMEOUT_HOURS: positiveInt.max(14 * 24).default(48),
  // Matching also runs on every new request and offer change; the timer catches what those miss
  // (capacity freed by a timeout, a volunteer reinstated). One run at a time, coalesced.
  KOLOKOL_MATCH_INTERVAL_SECONDS: positiveInt.max(24 * 3600).default(300),
  // The skills whose proposals need two different moderators' approval (comma-separated codes
  // of shared's taxonomy); unset: DEFAULT_CRITICAL_SKILLS. An unknown code stops start-up.
  KOLOKOL_CRITICAL_SKILLS: z
    .string()
    .optional()
    .transform((text, ctx): readonly SkillCode[] | undefined => {
      if (text === undefined) return undefined;
      const codes = text
        .split(',')
        .map((code) => code.trim())
        .filter(Boolean);
      if (!codes.every(isSkillCode)) {
        ctx.addIssue({ code: 'custom', message: 'not a comma-separated list of skill codes' });
        return z.NEVER;
      }
      return [...new Set(codes)];
    }),
  // A month: long enough for an admin to look into how a report was closed (a dismissal disputed,
  // a suspension questioned), short enough that a seized server holds little of who reported whom.
  // The whole report goes, its sealed note with it; the audit log keeps the signed decision.
  KOLOKOL_CLOSED_REPORT_RETENTION_DAYS: positiveInt.max(365).default(30),
  KOLOKOL_ROOT_PUBLIC_KEY: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      try {
        return decodeRootPublicKey(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not an Ed25519 public key in base64url' });
        return z.NEVER;
      }
    }),
} as const;

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly mongodbUri: string | undefined;
  /** Redis shared by several server processes; unset: one process, everything in memory. */
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  readonly allowedOrigins: readonly string[];
  readonly trustProxy: false | 'loopback' | number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  readonly sessionTtlMs: number;
  readonly sessionRecheckMs: number;
  readonly maxJsonBodyBytes: number;
  readonly maxSocketMessageBytes: number;
  readonly maxSocketsPerAccount: number;
  /** Events per second per session, across its sockets. */
  readonly socketEventsPerSecond: number;
  /** Events per second per account, across its sessions and sockets. */
  readonly accountEventsPerSecond: number;
  /** New socket connections per account per minute: reconnecting cannot be a loop. */
  readonly socketConnectsPerAccountPerMinute: number;
  /** Long-polling allowed besides websocket; every polling request then needs the bearer token. */
  readonly allowPolling: boolean;
  /** Node's HTTP timeouts: slow headers and slow bodies cannot hold a connection for long. */
  readonly httpHeadersTimeoutMs: number;
  readonly httpRequestTimeoutMs: number;
  readonly httpKeepAliveTimeoutMs: number;
  /** Open TCP connections at most (websockets included); more are dropped on arrival. */
  readonly maxConnections: number;
  /** Failed logins (real guesses) per handle per window; past it the handle is locked for the window. */
  readonly authAttemptsPerHandle: number;
  /** Anonymous auth requests per client address per window before it must pay proof of work (never a lock-out). */
  readonly authAttemptsPerClient: number;
  readonly authWindowSeconds: number;
  /** Anonymous auth requests per minute, all clients together, served without proof of work. */
  readonly authCalmRequestsPerMinute: number;
  /** Self-registrations per hour, server-wide; past it RATE_LIMITED with Retry-After. */
  readonly registrationsPerHour: number;
  readonly shutdownGraceMs: number;
  readonly enrolmentTtlMs: number;
  /** Bundle fetches per (caller, target) and per caller, per hour: one-time prekeys cannot be drained. */
  readonly prekeyFetchesPerPairPerHour: number;
  readonly prekeyFetchesPerCallerPerHour: number;
  /** One-time prekeys handed out per target device per hour across all callers; then bundles come without. */
  readonly oneTimePrekeysPerTargetPerHour: number;
  /** Devices an account's list may name; adding one more is refused. */
  readonly maxDevicesPerAccount: number;
  /** Non-staff accounts younger than this are new: their abuse reports share a smaller cap. */
  readonly newAccountMs: number;
  /** Live requests (open, proposed, approved, active) one contact may have at once. */
  readonly maxOpenRequests: number;
  readonly requestCreatesPerHour: number;
  /** Age after which an open or proposed request expires (its sealed details deleted). */
  readonly requestExpiryMs: number;
  /** How long an ended request (resolved, closed, cancelled, expired) is kept, without details. */
  readonly endedRequestRetentionMs: number;
  /** Conversation messages one account may send per minute (a token bucket refilled over a minute). */
  readonly conversationMessagesPerMinute: number;
  /** How long a closed abuse report (dismissed, actioned) is kept before it is deleted whole. */
  readonly closedReportRetentionMs: number;
  /** The organisation root public key that certifies moderators (printed by `admin root-init`). */
  readonly rootPublicKey: Uint8Array | undefined;
  /** How long an approved match waits for the volunteer before it times out (re-matched). */
  readonly matchAcceptTimeoutMs: number;
  /** How often matching runs besides on new requests and offer changes. */
  readonly matchIntervalMs: number;
  /** Skills whose proposals need two different moderators' approval. */
  readonly criticalSkills: readonly SkillCode[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function read<K extends keyof typeof CONFIG_VARIABLES>(
  env: Env,
  name: K,
): z.output<(typeof CONFIG_VARIABLES)[K]> {
  const raw = env[name];
  const result = CONFIG_VARIABLES[name].safeParse(raw === '' ? undefined : raw);
  if (!result.success) {
    throw new ConfigError(
      `invalid configuration: ${name} (${result.error.issues[0]?.message ?? 'bad value'})`,
    );
  }
  return result.data as z.output<(typeof CONFIG_VARIABLES)[K]>;
}

function parseOrigins(list: string | undefined, port: number): string[] {
  if (list === undefined) return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  const origins = list
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(
        'invalid configuration: KOLOKOL_ALLOWED_ORIGINS (not a list of origins)',
      );
    }
    // An origin is scheme://host[:port] and nothing else; "*" is never accepted.
    if (parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      throw new ConfigError(
        'invalid configuration: KOLOKOL_ALLOWED_ORIGINS (not a list of origins)',
      );
    }
  }
  return origins;
}

export function loadConfig(env: Env = process.env): Config {
  const portValue = read(env, 'PORT');
  const trustProxy = read(env, 'KOLOKOL_TRUST_PROXY');
  const headersTimeout = read(env, 'KOLOKOL_HTTP_HEADERS_TIMEOUT_SECONDS');
  const requestTimeout = read(env, 'KOLOKOL_HTTP_REQUEST_TIMEOUT_SECONDS');
  if (headersTimeout > requestTimeout) {
    throw new ConfigError(
      'invalid configuration: KOLOKOL_HTTP_HEADERS_TIMEOUT_SECONDS (must not exceed KOLOKOL_HTTP_REQUEST_TIMEOUT_SECONDS)',
    );
  }
  return {
    port: portValue,
    host: read(env, 'KOLOKOL_HOST'),
    dataDir: path.resolve(read(env, 'KOLOKOL_DATA_DIR')),
    mongodbUri: read(env, 'MONGODB_URI'),
    redisUrl: read(env, 'REDIS_URL'),
    redisKeyPrefix: read(env, 'KOLOKOL_REDIS_KEY_PREFIX'),
    allowedOrigins: parseOrigins(read(env, 'KOLOKOL_ALLOWED_ORIGINS'), portValue),
    trustProxy:
      trustProxy === 'false' ? false : trustProxy === 'loopback' ? 'loopback' : Number(trustProxy),
    logLevel: read(env, 'KOLOKOL_LOG_LEVEL'),
    sessionTtlMs: read(env, 'KOLOKOL_SESSION_TTL_SECONDS') * 1000,
    sessionRecheckMs: read(env, 'KOLOKOL_SESSION_RECHECK_SECONDS') * 1000,
    maxJsonBodyBytes: read(env, 'KOLOKOL_MAX_JSON_BODY_BYTES'),
    maxSocketMessageBytes: read(env, 'KOLOKOL_MAX_SOCKET_MESSAGE_BYTES'),
    maxSocketsPerAccount: read(env, 'KOLOKOL_MAX_SOCKETS_PER_ACCOUNT'),
    socketEventsPerSecond: read(env, 'KOLOKOL_SOCKET_EVENTS_PER_SECOND'),
    accountEventsPerSecond: read(env, 'KOLOKOL_ACCOUNT_EVENTS_PER_SECOND'),
    socketConnectsPerAccountPerMinute: read(env, 'KOLOKOL_SOCKET_CONNECTS_PER_ACCOUNT_PER_MINUTE'),
    allowPolling: read(env, 'KOLOKOL_ALLOW_POLLING'),
    httpHeadersTimeoutMs: headersTimeout * 1000,
    httpRequestTimeoutMs: requestTimeout * 1000,
    httpKeepAliveTimeoutMs: read(env, 'KOLOKOL_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS') * 1000,
    maxConnections: read(env, 'KOLOKOL_MAX_CONNECTIONS'),
    authAttemptsPerHandle: read(env, 'KOLOKOL_AUTH_ATTEMPTS_PER_HANDLE'),
    authAttemptsPerClient: read(env, 'KOLOKOL_AUTH_ATTEMPTS_PER_CLIENT'),
    authWindowSeconds: read(env, 'KOLOKOL_AUTH_WINDOW_SECONDS'),
    authCalmRequestsPerMinute: read(env, 'KOLOKOL_AUTH_CALM_REQUESTS_PER_MINUTE'),
    registrationsPerHour: read(env, 'KOLOKOL_REGISTRATIONS_PER_HOUR'),
    shutdownGraceMs: read(env, 'KOLOKOL_SHUTDOWN_GRACE_MS'),
    enrolmentTtlMs: read(env, 'KOLOKOL_ENROLMENT_TTL_HOURS') * 3600 * 1000,
    prekeyFetchesPerPairPerHour: read(env, 'KOLOKOL_PREKEY_FETCHES_PER_PAIR_PER_HOUR'),
    prekeyFetchesPerCallerPerHour: read(env, 'KOLOKOL_PREKEY_FETCHES_PER_CALLER_PER_HOUR'),
    oneTimePrekeysPerTargetPerHour: read(env, 'KOLOKOL_ONE_TIME_PREKEYS_PER_TARGET_PER_HOUR'),
    maxDevicesPerAccount: read(env, 'KOLOKOL_MAX_DEVICES_PER_ACCOUNT'),
    newAccountMs: read(env, 'KOLOKOL_NEW_ACCOUNT_HOURS') * 3600 * 1000,
    maxOpenRequests: read(env, 'KOLOKOL_MAX_OPEN_REQUESTS'),
    requestCreatesPerHour: read(env, 'KOLOKOL_REQUEST_CREATES_PER_HOUR'),
    requestExpiryMs: read(env, 'KOLOKOL_REQUEST_EXPIRY_HOURS') * 3600 * 1000,
    endedRequestRetentionMs: read(env, 'KOLOKOL_ENDED_REQUEST_RETENTION_HOURS') * 3600 * 1000,
    conversationMessagesPerMinute: read(env, 'KOLOKOL_CONVERSATION_MESSAGES_PER_MINUTE'),
    closedReportRetentionMs: read(env, 'KOLOKOL_CLOSED_REPORT_RETENTION_DAYS') * 24 * 3600 * 1000,
    rootPublicKey: read(env, 'KOLOKOL_ROOT_PUBLIC_KEY'),
    matchAcceptTimeoutMs: read(env, 'KOLOKOL_MATCH_ACCEPT_TIMEOUT_HOURS') * 3600 * 1000,
    matchIntervalMs: read(env, 'KOLOKOL_MATCH_INTERVAL_SECONDS') * 1000,
    criticalSkills: read(env, 'KOLOKOL_CRITICAL_SKILLS') ?? DEFAULT_CRITICAL_SKILLS,
  };
}
