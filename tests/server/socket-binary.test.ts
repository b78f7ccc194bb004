// The protocol never uses binary: binary socket.io packets (BINARY_EVENT, BINARY_ACK) and binary
// engine.io frames are refused before authentication and before decoding could expand them, so
// one packet cannot reference an attachment a thousand times or park megabytes on a connection.
// Payload sizes are measured from the text the client sent, never by re-serialising it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@kolokol/shared';
import { call, closeAllSockets, connectWithToken, registerAndLogin } from '../support/client.js';
import { expectUnchanged } from '../support/assertions.js';
import { closeAllRaw, openRaw, rawConnect, rawEmit } from '../support/raw-socket.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** A placeholder socket.io-parser replaces with attachment `num` when it reconstructs a packet. */
const placeholder = (num: number) => ({ _placeholder: true, num });

/** How long a refused connection may take to close: generous for a loaded 2-core machine. */
const CLOSE_WITHIN_MS = 3000;

function closesWithin<T>(promise: Promise<T>, ms = CLOSE_WITHIN_MS): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms),
    ),
  ]);
}

let server: TestServer;
let attacker: string;
let honest: string;
beforeAll(async () => {
  // The pre-fix default: 1 MiB messages, so a 1 MiB attachment is not stopped by the size limit
  // and these tests show the binary refusal itself.
  server = await startTestServer({ KOLOKOL_MAX_SOCKET_MESSAGE_BYTES: String(1024 * 1024) });
  ({ token: attacker } = await registerAndLogin(server.url, 'bin'));
  ({ token: honest } = await registerAndLogin(server.url, 'honest'));
});
afterEach(() => {
  closeAllRaw();
  closeAllSockets();
});
afterAll(async () => {
  await server.close();
});

describe('before authentication', () => {
  it.each([
    ['a BINARY_EVENT header', `51-["session.whoami",${JSON.stringify(placeholder(0))}]`],
    ['a BINARY_ACK header', `61-0[${JSON.stringify(placeholder(0))}]`],
    ['a bare binary frame', new Uint8Array(1024)],
  ])('closes the connection on %s', async (_name, packet) => {
    await expectUnchanged(server, async () => {
      const raw = await openRaw(server.url);
      raw.send(packet);
      await closesWithin(raw.closed);
    });
  });

  it('closes the connection on a CONNECT packet larger than a handshake needs', async () => {
    const raw = await openRaw(server.url);
    raw.send(
      `0${JSON.stringify({ token: attacker, protocol: PROTOCOL_VERSION, pad: 'x'.repeat(4096) })}`,
    );
    await closesWithin(raw.closed);
  });

  it('keeps no attachments: 40 connections pushing 9 × 1 MiB each leave the memory figure flat', async () => {
    const gc = exposeGc();
    const before = await memoryFigure(gc);
    const attachment = new Uint8Array(1024 * 1024 - 64);
    const connections = [];
    for (let i = 0; i < 40; i += 1) {
      // Announces 10 attachments and sends 9 without waiting for an answer, as an attacker
      // would: the pre-fix parser held them until connectTimeout (10 s), ~360 MB in all.
      const raw = await openRaw(server.url);
      raw.send(`510-["session.whoami",${JSON.stringify(placeholder(0))}]`);
      for (let n = 0; n < 9; n += 1) raw.send(attachment);
      await raw.flushed();
      connections.push(raw);
    }
    // Bytes still on the wire are the sockets' until they close; measure once they have (or
    // after a bounded wait, well inside connectTimeout, when they have not).
    await Promise.race([
      Promise.all(connections.map((raw) => raw.closed)),
      new Promise((resolve) => setTimeout(resolve, CLOSE_WITHIN_MS)),
    ]);
    const growth = (await memoryFigure(gc)) - before;
    expect(growth).toBeLessThan(50 * 1024 * 1024);
    expect(connections.filter((raw) => raw.isOpen())).toHaveLength(0);
  }, 60_000);
});

describe('after authentication', () => {
  it('closes the connection on 1 000 placeholders referencing one attachment; an honest client is answered at once', async () => {
    const bystander = await connectWithToken(server.url, honest);
    await expectUnchanged(server, async () => {
      const raw = await openRaw(server.url);
      expect(await rawConnect(raw, attacker)).toMatch(/^0\{"sid"/);
      const placeholders = Array.from({ length: 1000 }, () => placeholder(0));
      raw.send(`51-7${JSON.stringify(['session.whoami', placeholders])}`);
      raw.send(new Uint8Array(1024));
      await closesWithin(raw.closed);
    });
    const started = performance.now();
    expect(await call(bystander, 'session.whoami', {})).toMatchObject({ ok: true });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('closes the connection on a 1 MiB attachment referenced a few times', async () => {
    const bystander = await connectWithToken(server.url, honest);
    await expectUnchanged(server, async () => {
      const raw = await openRaw(server.url);
      await rawConnect(raw, attacker);
      // Three envelopes' bodies, each the same attachment.
      const envelopes = [0, 0, 0].map((n) => ({ device: 'd', body: placeholder(n) }));
      raw.send(
        `51-7${JSON.stringify(['conversations.send', { conversation: 'c', clientId: 'x', envelopes }])}`,
      );
      raw.send(new Uint8Array(1024 * 1024 - 64));
      await closesWithin(raw.closed);
    });
    expect(await call(bystander, 'session.whoami', {})).toMatchObject({ ok: true });
  });

  it.each([
    ['a bare binary frame', new Uint8Array(16)],
    ['a BINARY_ACK', `61-0[${JSON.stringify(placeholder(0))}]`],
    ['an ACK (the server never asks clients for one)', '30[{}]'],
    ['a CONNECT_ERROR', '4{"message":"x"}'],
    ['a second CONNECT', `0${JSON.stringify({ token: 'x', protocol: PROTOCOL_VERSION })}`],
  ])('closes the connection on %s', async (_name, packet) => {
    const raw = await openRaw(server.url);
    await rawConnect(raw, attacker);
    raw.send(packet);
    await closesWithin(raw.closed);
  });
});

describe('payload size', () => {
  it('is measured on the text received: numbers that re-serialise longer do not count', async () => {
    // 40 × `1e20` is 200 bytes as sent and 880 bytes once JSON.stringify expands each number.
    const raw = await openRaw(server.url);
    await rawConnect(raw, attacker);
    const text = `{"n":[${Array.from({ length: 40 }, () => '1e20').join(',')}]}`;
    expect(Buffer.byteLength(text)).toBeLessThan(256);
    const ack = await expectUnchanged(server, () => rawEmit(raw, 'session.whoami', text));
    expect(ack).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('is measured on the text received: whitespace counts', async () => {
    const raw = await openRaw(server.url);
    await rawConnect(raw, attacker);
    const ack = await expectUnchanged(server, () =>
      rawEmit(raw, 'session.whoami', `{${' '.repeat(300)}}`),
    );
    expect(ack).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(await rawEmit(raw, 'session.whoami', '{}')).toMatchObject({ ok: true });
  });
});

/** A real garbage collection when the flag can be set at run time, else none (noisier figure). */
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

/**
 * Heap plus off-heap memory (Buffers live off-heap) of this process, which runs the server.
 * V8 frees off-heap memory of collected buffers in the background, so the figure is read after
 * two collections a moment apart.
 */
async function memoryFigure(gc: (() => void) | undefined): Promise<number> {
  for (let i = 0; i < 2; i += 1) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}
