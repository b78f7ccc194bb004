// The HTTP server's own limits, set deliberately instead of Node's defaults: slow headers and
// slow bodies are cut off at their timeouts, idle keep-alive connections are closed, and
// connections past the cap are dropped on arrival. Each setting is validated at start-up.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/src/config/config.js';
import { testServers } from '../support/server.js';

const servers = testServers();
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await servers.closeAll();
});

interface RawTcp {
  readonly socket: Socket;
  /** Everything the server sent until it closed the connection, and when that happened. */
  readonly closed: Promise<{ received: string; afterMs: number }>;
}

function openTcp(port: number): Promise<RawTcp> {
  const started = performance.now();
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<{ received: string; afterMs: number }>((resolve) =>
    socket.once('close', () => resolve({ received, afterMs: performance.now() - started })),
  );
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Writes `text` one byte every `everyMs` until the connection closes or `maxMs` passes. */
function dribble(socket: Socket, text: string, everyMs: number): () => void {
  let index = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || index >= text.length) return;
    socket.write(text.charAt(index));
    index += 1;
  }, everyMs);
  return () => clearInterval(timer);
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(what)), ms)),
  ]);
}

describe('HTTP timeouts', () => {
  it('cuts off a slow request body at KOLOKOL_HTTP_REQUEST_TIMEOUT_SECONDS with 408', async () => {
    const server = await servers.start({
      KOLOKOL_HTTP_HEADERS_TIMEOUT_SECONDS: '1',
      KOLOKOL_HTTP_REQUEST_TIMEOUT_SECONDS: '2',
    });
    const tcp = await openTcp(server.port);
    tcp.socket.write(
      'POST /auth/challenge HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 200\r\n\r\n',
    );
    const stop = dribble(tcp.socket, `{"handle":"${'a'.repeat(180)}"}`, 100);
    try {
      const { received, afterMs } = await within(tcp.closed, 6000, 'slow body still held');
      expect(received).toMatch(/^HTTP\/1\.1 408/);
      expect(afterMs).toBeGreaterThanOrEqual(1900);
    } finally {
      stop();
    }
    // The server is still serving.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('cuts off slow headers at KOLOKOL_HTTP_HEADERS_TIMEOUT_SECONDS', async () => {
    const server = await servers.start({ KOLOKOL_HTTP_HEADERS_TIMEOUT_SECONDS: '1' });
    const tcp = await openTcp(server.port);
    const stop = dribble(tcp.socket, `GET /healthz HTTP/1.1\r\nX-Pad: ${'a'.repeat(200)}`, 100);
    try {
      const { received, afterMs } = await within(tcp.closed, 5000, 'slow headers still held');
      expect(received).toMatch(/^HTTP\/1\.1 408/);
      expect(afterMs).toBeGreaterThanOrEqual(900);
    } finally {
      stop();
    }
  });

  it('closes an idle keep-alive connection after KOLOKOL_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', async () => {
    const server = await servers.start({ KOLOKOL_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '1' });
    const tcp = await openTcp(server.port);
    tcp.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    const { received } = await within(tcp.closed, 4000, 'idle connection still open');
    expect(received).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('connection cap', () => {
  it('drops connections past KOLOKOL_MAX_CONNECTIONS and serves again once some close', async () => {
    const server = await servers.start({ KOLOKOL_MAX_CONNECTIONS: '5' });
    // Five connections each holding a request open (headers not finished yet).
    const held = [];
    for (let i = 0; i < 5; i += 1) {
      const tcp = await openTcp(server.port);
      tcp.socket.write('GET /healthz HTTP/1.1\r\n');
      held.push(tcp);
    }
    const refused = await openTcp(server.port);
    refused.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const { received } = await within(refused.closed, 3000, 'sixth connection was served');
    expect(received).toBe('');
    for (const tcp of held) expect(tcp.socket.destroyed).toBe(false);

    held[0]!.socket.destroy();
    await held[0]!.closed;
    // The server counts the slot free once it has seen the close; retry briefly (bounded).
    let answer = '';
    for (let attempt = 0; attempt < 20 && !answer.startsWith('HTTP/1.1 200'); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const served = await openTcp(server.port);
      served.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      answer = (await within(served.closed, 3000, 'no answer')).received;
    }
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('configuration', () => {
  it.each([
    ['KOLOKOL_HTTP_HEADERS_TIMEOUT_SECONDS', '61'],
    ['KOLOKOL_HTTP_REQUEST_TIMEOUT_SECONDS', '301'],
    ['KOLOKOL_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', '121'],
    ['KOLOKOL_MAX_CONNECTIONS', '100001'],
    ['KOLOKOL_MAX_CONNECTIONS', '0'],
    ['KOLOKOL_ALLOW_POLLING', 'yes'],
    ['KOLOKOL_MAX_SOCKET_MESSAGE_BYTES', String(4 * 1024 * 1024 + 1)],
    ['KOLOKOL_ACCOUNT_EVENTS_PER_SECOND', '10001'],
    ['KOLOKOL_SOCKET_CONNECTS_PER_ACCOUNT_PER_MINUTE', '10001'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(() =>
      loadConfig({
        KOLOKOL_HTTP_HEADERS_TIMEOUT_SECONDS: '20',
        KOLOKOL_HTTP_REQUEST_TIMEOUT_SECONDS: '10',
      }),
    ).toThrow('KOLOKOL_HTTP_HEADERS_TIMEOUT_SECONDS');
  });

  it('defaults the socket message limit to the largest event payload plus framing', async () => {
    const { LARGEST_EVENT_PAYLOAD_BYTES, PACKET_FRAMING_BYTES } =
      await import('../../server/src/realtime/limits.js');
    const config = loadConfig({});
    expect(config.maxSocketMessageBytes).toBe(LARGEST_EVENT_PAYLOAD_BYTES + PACKET_FRAMING_BYTES);
    expect(config.maxSocketMessageBytes).toBeLessThan(1024 * 1024);
    expect(config.allowPolling).toBe(false);
  });
});
