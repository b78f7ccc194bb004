// Property tests (fast-check) of the Double Ratchet through the session API: delivery in any
// order decrypts each message exactly once, tampering and replays fail without changing state,
// post-compromise security against a passive attacker, and forward secrecy.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError, Session, acceptSession, fromUtf8, utf8 } from '../src/crypto/index.js';
import { cloneSession, establish, flipBit, initiateTo, makeResponder } from './session-support.js';
import { reasonOf } from './reason-of.js';

type Side = 'a' | 'b';
const other = (side: Side): Side => (side === 'a' ? 'b' : 'a');
const side = fc.constantFrom<Side>('a', 'b');

interface InFlight {
  bytes: Uint8Array;
  text: string;
}

type Command =
  | { kind: 'send'; from: Side }
  | { kind: 'deliver'; to: Side; pick: number }
  | { kind: 'reload'; who: Side };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), from: side }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('deliver' as const), to: side, pick: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reload' as const), who: side }) },
);

/** A pair in which Bob has answered, so both sides send plain ratchet messages. */
function answered(): { alice: Session; bob: Session } {
  const { alice, bob } = establish();
  alice.decrypt(bob.encrypt(utf8('welcome'), 0), 0);
  return { alice, bob };
}

/** Immediate delivery of a short scripted exchange (each direction change is a DH ratchet step). */
function converse(sessions: Record<Side, Session>, senders: readonly Side[]): void {
  for (const [i, from] of senders.entries()) {
    const text = `${from}${i}`;
    expect(fromUtf8(sessions[other(from)].decrypt(sessions[from].encrypt(utf8(text), 0), 0))).toBe(
      text,
    );
  }
}

describe('double ratchet properties', () => {
  it('any interleaving and reordering decrypts every message exactly once, across reloads', () => {
    fc.assert(
      fc.property(
        fc.array(command, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (commands, finalPicks) => {
          const responder = makeResponder();
          const sessions: Record<Side, Session | null> = {
            a: initiateTo(responder),
            b: null,
          };
          const inFlight: Record<Side, InFlight[]> = { a: [], b: [] };
          const delivered: Record<Side, Uint8Array[]> = { a: [], b: [] };
          let sent = 0;
          let received = 0;

          const deliver = (to: Side, pick: number): void => {
            const queue = inFlight[to];
            if (queue.length === 0) return;
            const [message] = queue.splice(pick % queue.length, 1);
            const session = sessions[to];
            let plaintext: Uint8Array;
            if (session === null) {
              const accepted = acceptSession(
                responder.identity,
                responder.store,
                message!.bytes,
                0,
              );
              sessions.b = accepted.session;
              plaintext = accepted.plaintext;
            } else {
              plaintext = session.decrypt(message!.bytes, 0);
            }
            expect(fromUtf8(plaintext)).toBe(message!.text);
            delivered[to].push(message!.bytes);
            received += 1;
          };

          for (const step of commands) {
            if (step.kind === 'send') {
              const session = sessions[step.from];
              if (session === null) continue;
              const text = `${step.from}-${sent}`;
              inFlight[other(step.from)].push({ bytes: session.encrypt(utf8(text), 0), text });
              sent += 1;
            } else if (step.kind === 'deliver') {
              deliver(step.to, step.pick);
            } else {
              const session = sessions[step.who];
              if (session !== null) sessions[step.who] = Session.deserialize(session.serialize());
            }
          }
          let p = 0;
          while (inFlight.a.length + inFlight.b.length > 0) {
            const pick = finalPicks[p % Math.max(finalPicks.length, 1)] ?? 0;
            p += 1;
            deliver(
              inFlight.b.length > 0 && (pick % 2 === 0 || inFlight.a.length === 0) ? 'b' : 'a',
              pick >> 1,
            );
          }
          expect(received).toBe(sent);

          // A second delivery of anything fails and changes nothing.
          for (const to of ['a', 'b'] as const) {
            const session = sessions[to];
            if (session === null) continue;
            const before = session.serialize();
            for (const bytes of delivered[to]) {
              expect(['REPLAY', 'DECRYPT_FAILED']).toContain(
                reasonOf(() => session.decrypt(bytes, 0)),
              );
            }
            expect(session.serialize()).toEqual(before);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('tampering with any byte of header or body fails and changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(side, { maxLength: 6 }),
        side,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (history, from, position, mask) => {
          const pair = answered();
          const sessions = { a: pair.alice, b: pair.bob };
          converse(sessions, history);
          const message = sessions[from].encrypt(utf8('genuine'), 0);
          const receiver = sessions[other(from)];
          const index = position % message.length;
          const before = receiver.serialize();
          const reason = reasonOf(() => receiver.decrypt(flipBit(message, index, mask), 0));
          if (index < 4) expect(['MALFORMED', 'UNSUPPORTED_VERSION']).toContain(reason);
          else expect(reason).toBe('DECRYPT_FAILED');
          expect(receiver.serialize()).toEqual(before);
          expect(fromUtf8(receiver.decrypt(message, 0))).toBe('genuine');
        },
      ),
      { numRuns: 80 },
    );
  });

  it('a replayed message is rejected and changes nothing', () => {
    fc.assert(
      fc.property(fc.array(side, { minLength: 1, maxLength: 10 }), fc.nat(), (senders, pick) => {
        const pair = answered();
        const sessions = { a: pair.alice, b: pair.bob };
        const log: { to: Side; bytes: Uint8Array }[] = [];
        for (const from of senders) {
          const bytes = sessions[from].encrypt(utf8('once'), 0);
          sessions[other(from)].decrypt(bytes, 0);
          log.push({ to: other(from), bytes });
        }
        const { to, bytes } = log[pick % log.length]!;
        const before = sessions[to].serialize();
        expect(['REPLAY', 'DECRYPT_FAILED']).toContain(
          reasonOf(() => sessions[to].decrypt(bytes, 0)),
        );
        expect(sessions[to].serialize()).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });

  it('post-compromise security: a stolen state cannot read what is sent after both sides step afresh', () => {
    fc.assert(
      fc.property(
        fc.array(side, { maxLength: 8 }),
        fc.array(side, { maxLength: 8 }),
        side,
        (before, after, victim) => {
          const { alice, bob } = establish(); // "hello" a→b
          const sessions = { a: alice, b: bob };
          // Model: each side's ratchet key "epoch", and which epoch of the peer's key each
          // side's current sending chain was built on. Receiving the first message of a new
          // chain makes the receiver generate a key and build a new sending chain on the sender's.
          const keyEpoch = { a: 0, b: 1 };
          const chainBase = { a: 0, b: 0 };
          let last: Side = 'a';
          const send = (from: Side): { bytes: Uint8Array; base: number } => {
            const to = other(from);
            const base = chainBase[from];
            const bytes = sessions[from].encrypt(utf8('secret'), 0);
            expect(fromUtf8(sessions[to].decrypt(bytes, 0))).toBe('secret');
            if (last !== from) {
              keyEpoch[to] += 1;
              chainBase[to] = keyEpoch[from];
            }
            last = from;
            return { bytes, base };
          };
          for (const from of before) send(from);

          const stolen = cloneSession(sessions[victim]);
          const epochAtTheft = keyEpoch[victim];
          const peer = other(victim);
          let protectedChecked = 0;
          // The random continuation, then a fixed one that guarantees fresh steps on both sides.
          for (const from of [...after, victim, peer, victim, peer]) {
            const { bytes, base } = send(from);
            if (from !== peer) continue;
            // The passive attacker sees every message and tries each on the stolen state.
            if (base > epochAtTheft) {
              expect(() => stolen.decrypt(bytes, 0)).toThrow(CryptoError);
              protectedChecked += 1;
            } else {
              // Before that, the thief reads along: the test's attacker is not a weak one.
              expect(fromUtf8(stolen.decrypt(bytes, 0))).toBe('secret');
            }
          }
          expect(protectedChecked).toBeGreaterThan(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('forward secrecy: the current state cannot read messages whose keys were used', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ from: side, deliver: fc.boolean() }), { minLength: 1, maxLength: 16 }),
        (script) => {
          const pair = answered();
          const sessions = { a: pair.alice, b: pair.bob };
          const used: { to: Side; bytes: Uint8Array }[] = [];
          const kept: { to: Side; bytes: Uint8Array; text: string }[] = [];
          for (const [i, { from, deliver }] of script.entries()) {
            const text = `m${i}`;
            const bytes = sessions[from].encrypt(utf8(text), 0);
            if (deliver) {
              sessions[other(from)].decrypt(bytes, 0);
              used.push({ to: other(from), bytes });
            } else {
              kept.push({ to: other(from), bytes, text });
            }
          }
          const stolen = { a: cloneSession(sessions.a), b: cloneSession(sessions.b) };
          for (const { to, bytes } of used)
            expect(() => stolen[to].decrypt(bytes, 0)).toThrow(CryptoError);
          // Keys not yet used are still there, each for exactly one decryption.
          for (const { to, bytes, text } of kept) {
            expect(fromUtf8(stolen[to].decrypt(bytes, 0))).toBe(text);
            expect(() => stolen[to].decrypt(bytes, 0)).toThrow(CryptoError);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
