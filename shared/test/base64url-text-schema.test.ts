// base64UrlTextSchema keeps an envelope's text instead of decoding it (docs/relay.md): it must
// accept exactly what bytesSchema accepts, with the same first issue, and what it accepts must be
// the one canonical text of the bytes bytesSchema decodes.
import { describe, expect, it } from 'vitest';
import { base64UrlByteLength, base64UrlTextSchema, bytesSchema } from '../src/protocol/common.js';
import { toBase64Url } from '../src/encoding/base64url.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Characters a bad client might put anywhere: padding, the +/ alphabet, space, non-ASCII. */
const STRANGERS = ['=', '+', '/', ' ', '\n', '\u0000', 'м', 'é', '😀', '.', '~', '%'];

/** A small deterministic generator, so a failure reproduces. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

function verdict(schema: { safeParse(value: unknown): unknown }, value: unknown) {
  const result = schema.safeParse(value) as
    | { success: true; data: unknown }
    | { success: false; error: { issues: { message: string; path: unknown[] }[] } };
  return result.success
    ? { ok: true as const, data: result.data }
    : { ok: false as const, issue: result.error.issues[0]?.message };
}

/** Valid texts of every length around the bounds, then each of them broken in every way we know. */
function candidates(max: number, random: () => number): unknown[] {
  const texts: string[] = [];
  for (let length = 0; length <= max + 3; length += 1) {
    const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
    const text = toBase64Url(bytes);
    texts.push(text);
    // Every last character: only those whose spare bits are zero are canonical.
    for (const last of ALPHABET) texts.push(text.slice(0, -1) + last);
    const at = Math.floor(random() * Math.max(1, text.length));
    for (const stranger of STRANGERS) {
      texts.push(text.slice(0, at) + stranger + text.slice(at + 1));
      texts.push(text + stranger);
    }
    texts.push(text.slice(1), `${text}A`, `${text}AA`, `${text}==`, `${text}=`);
  }
  for (let i = 0; i < 500; i += 1) {
    const length = Math.floor(random() * (Math.ceil((max * 4) / 3) + 4));
    texts.push(
      Array.from({ length }, () =>
        random() < 0.97
          ? ALPHABET[Math.floor(random() * 64)]!
          : STRANGERS[Math.floor(random() * STRANGERS.length)]!,
      ).join(''),
    );
  }
  return [
    ...texts,
    undefined,
    null,
    0,
    12,
    true,
    [],
    {},
    ['AAAA'],
    { length: 4 },
    new String('AAAA'),
  ];
}

describe('base64UrlTextSchema', () => {
  it.each([
    { min: 1, max: 1 },
    { min: 1, max: 40 },
    { min: 5, max: 17 },
    { min: 32, max: 32 },
  ])('gives the verdict of bytesSchema(%j) for every candidate', ({ min, max }) => {
    const random = generator(min * 1000 + max);
    const text = base64UrlTextSchema({ min, max });
    const bytes = bytesSchema({ min, max });
    let accepted = 0;
    for (const value of candidates(max, random)) {
      const fast = verdict(text, value);
      const slow = verdict(bytes, value);
      expect({ value, ok: fast.ok }).toEqual({ value, ok: slow.ok });
      if (fast.ok && slow.ok) {
        accepted += 1;
        expect(toBase64Url(slow.data as Uint8Array)).toBe(fast.data);
        expect(base64UrlByteLength(fast.data as string)).toBe((slow.data as Uint8Array).length);
      } else {
        expect(fast).toEqual(slow);
      }
    }
    // Not a vacuous comparison: some of each.
    expect(accepted).toBeGreaterThan(0);
  });

  it('gives the verdict of bytesSchema at the conversation envelope bounds', () => {
    const random = generator(7);
    const max = 1124;
    const text = base64UrlTextSchema({ min: 1, max });
    const bytes = bytesSchema({ min: 1, max });
    for (const length of [0, 1, 2, 3, 1123, 1124, 1125, 1126]) {
      const encoded = toBase64Url(Uint8Array.from({ length }, () => Math.floor(random() * 256)));
      for (const value of [encoded, `${encoded.slice(0, -1)}=`, `${encoded}A`]) {
        expect(verdict(text, value).ok).toBe(verdict(bytes, value).ok);
      }
    }
  });
});
