// Stateless login challenges. A challenge id carries a random id, its expiry and a MAC over both
// and the handle under a server key; the nonce to sign is derived from the same. Issuing one
// therefore writes nothing — an unknown handle that asks leaves no trace on disk — and redeeming
// one records only its random id, never the handle, until it expires (single use).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { NONCE_BYTES, fromBase64Url, toBase64Url } from '@kolokol/shared';
import type { Store } from '../store/ports.js';
import { CHALLENGE_TTL_MS } from './auth-limits.js';
import type { Clock } from './clock.js';
import { loadServerKey, newRandomBytes } from './secrets.js';

const VERSION = 1;
const RANDOM_BYTES = 16;
const EXPIRY_BYTES = 8;
const MAC_BYTES = 16;
/** version ‖ random ‖ expiresAt (u64 big-endian, ms) — what the MAC and the nonce cover. */
const BODY_BYTES = 1 + RANDOM_BYTES + EXPIRY_BYTES;
/** 41 bytes: 55 characters of base64url, within the protocol's id syntax. */
const ID_BYTES = BODY_BYTES + MAC_BYTES;
const KEY_NAME = 'login.challenge-key';

export interface CheckedChallenge {
  /** The challenge's random id: all that spending it records. */
  readonly randomId: string;
  readonly expiresAt: number;
  readonly nonce: Uint8Array;
}

export interface IssuedChallenge {
  readonly challengeId: string;
  readonly nonce: Uint8Array;
  readonly expiresAt: number;
}

/** HMAC-SHA-256 over a label and length-prefixed fields, so no two field lists collide. */
function mac(key: Uint8Array, label: string, ...fields: readonly (Uint8Array | string)[]) {
  const hmac = createHmac('sha256', key).update(label);
  for (const field of fields) {
    const bytes = typeof field === 'string' ? Buffer.from(field, 'utf8') : field;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hmac.update(length).update(bytes);
  }
  return new Uint8Array(hmac.digest());
}

export class Challenges {
  /** Loaded (created once) at construction, so that issuing a challenge never writes. */
  readonly #key: Promise<Uint8Array>;

  constructor(private readonly deps: { readonly store: Store; readonly clock: Clock }) {
    this.#key = loadServerKey(deps.store.meta, KEY_NAME);
  }

  async issue(handle: string): Promise<IssuedChallenge> {
    const key = await this.#key;
    const expiresAt = this.deps.clock.now() + CHALLENGE_TTL_MS;
    const body = new Uint8Array(BODY_BYTES);
    body[0] = VERSION;
    body.set(newRandomBytes(RANDOM_BYTES), 1);
    new DataView(body.buffer).setBigUint64(1 + RANDOM_BYTES, BigInt(expiresAt), false);
    const id = new Uint8Array(ID_BYTES);
    id.set(body);
    id.set(mac(key, 'kolokol/v1/challenge-id', body, handle).subarray(0, MAC_BYTES), BODY_BYTES);
    return {
      challengeId: toBase64Url(id),
      nonce: mac(key, 'kolokol/v1/challenge-nonce', body, handle).subarray(0, NONCE_BYTES),
      expiresAt,
    };
  }

  /**
   * A challenge issued by this server for `handle` and not expired, with its nonce; undefined
   * when the id is malformed, forged, issued for another handle or expired. Writes nothing and
   * does not tell whether it was spent: spend() does that. The same work for every handle:
   * nothing here depends on whether an account has it.
   */
  async check(handle: string, challengeId: string): Promise<CheckedChallenge | undefined> {
    const key = await this.#key;
    const id = fromBase64Url(challengeId);
    if (id === undefined || id.length !== ID_BYTES || id[0] !== VERSION) return undefined;
    const body = id.subarray(0, BODY_BYTES);
    const expected = mac(key, 'kolokol/v1/challenge-id', body, handle).subarray(0, MAC_BYTES);
    if (!timingSafeEqual(expected, id.subarray(BODY_BYTES))) return undefined;
    const expiresAt = Number(new DataView(id.buffer, id.byteOffset).getBigUint64(1 + RANDOM_BYTES));
    const now = this.deps.clock.now();
    if (expiresAt <= now || expiresAt > now + CHALLENGE_TTL_MS) return undefined;
    return {
      randomId: toBase64Url(body.subarray(1, 1 + RANDOM_BYTES)),
      expiresAt,
      nonce: mac(key, 'kolokol/v1/challenge-nonce', body, handle).subarray(0, NONCE_BYTES),
    };
  }

  /** Spends a checked challenge: true the first time, false if it was spent before. */
  spend(challenge: CheckedChallenge): Promise<boolean> {
    return this.deps.store.challenges.spend(challenge.randomId, challenge.expiresAt);
  }

  /** check() then spend(): the nonce of a good challenge, now spent; undefined otherwise. */
  async redeem(handle: string, challengeId: string): Promise<Uint8Array | undefined> {
    const checked = await this.check(handle, challengeId);
    if (checked === undefined || !(await this.spend(checked))) return undefined;
    return checked.nonce;
  }
}
