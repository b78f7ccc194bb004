// The few REST routes a client uses (register, challenge, login, logout, puzzle): JSON in, the
// one ack shape out, every answer parsed with its schema from @kolokol/shared. Anonymous routes
// pay proof of work when the server asks for it (POW_REQUIRED), a bounded number of times. A
// request that got no answer at all is sent once more at once: a kept-alive connection the server
// closed while it idled (after a few seconds of Argon2id, say) fails the next request with
// ECONNRESET before the server read it. Every route tolerates a repeat: a new challenge or puzzle,
// a spent challenge refused, a taken handle refused, a logout again.
import { z } from 'zod';
import { ackSchema, puzzleResultSchema, toBase64Url } from '@kolokol/shared';
import { solvePuzzle } from '@kolokol/shared/crypto';
import { KolokolError } from './errors.js';
import { CLIENT_LIMITS } from './limits.js';

const anyAckSchema = ackSchema(z.unknown());

/** POSTs `body` to `route` and returns the answer's data parsed with `result`; refusals throw KolokolError. */
export async function postRoute<S extends z.ZodType>(
  baseUrl: string,
  route: string,
  body: object,
  result: S,
  token?: string,
): Promise<z.output<S>> {
  const send = () =>
    fetch(`${baseUrl}${route}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
  let response: Response;
  try {
    response = await send().catch(() => send());
  } catch (cause) {
    throw new KolokolError('UNAVAILABLE', 'the server cannot be reached', { cause });
  }
  const ack = anyAckSchema.safeParse(await response.json().catch(() => undefined));
  if (!ack.success) throw new KolokolError('INTERNAL', `${route} answered outside the contract`);
  if (!ack.data.ok) throw KolokolError.fromBody(ack.data.error);
  const data = result.safeParse(ack.data.data);
  if (!data.success) throw new KolokolError('INTERNAL', `${route} answered outside the contract`);
  return data.data;
}

/**
 * An anonymous request (register, challenge): when the server answers POW_REQUIRED, solve a
 * fresh puzzle (solvePuzzle refuses an effort above MAX_POW_EFFORT) and send it again with it.
 */
export async function postPaying<S extends z.ZodType>(
  baseUrl: string,
  route: string,
  body: object,
  result: S,
): Promise<z.output<S>> {
  for (let round = 0; ; round += 1) {
    try {
      return round === 0
        ? await postRoute(baseUrl, route, body, result)
        : await postRoute(baseUrl, route, { ...body, pow: await solveFresh(baseUrl) }, result);
    } catch (error) {
      const payable = error instanceof KolokolError && error.code === 'POW_REQUIRED';
      if (!payable || round >= CLIENT_LIMITS.powRounds) throw error;
    }
  }
}

async function solveFresh(baseUrl: string): Promise<{ puzzle: string; nonce: string }> {
  const { puzzle, effort } = await postRoute(baseUrl, '/auth/puzzle', {}, puzzleResultSchema);
  return { puzzle: toBase64Url(puzzle), nonce: toBase64Url(solvePuzzle(puzzle, effort)) };
}
