// Graceful shutdown: in-flight work finishes before the store closes, new events are refused,
// sockets are closed and the port stops answering.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InFlight } from '../../server/src/realtime/in-flight.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  registerAndLogin,
  waitForDisconnect,
} from '../support/client.js';
import { cleanEnv, startProcess } from '../support/process.js';
import { startTestServer } from '../support/server.js';

describe('in-flight tracking', () => {
  it('drain waits for work already started and reports draining for new work', async () => {
    const inFlight = new InFlight();
    let finished = false;
    const work = inFlight.track(async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      finished = true;
      return 'done';
    });
    await inFlight.drain(5000);
    expect(finished).toBe(true);
    expect(await work).toBe('done');
    expect(inFlight.draining).toBe(true);
  });

  it('drain gives up after the grace period', async () => {
    const inFlight = new InFlight();
    void inFlight.track(() => new Promise((resolve) => setTimeout(resolve, 2000)));
    const started = performance.now();
    await inFlight.drain(100);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('server.close()', () => {
  it('disconnects sockets, stops serving and closes the store', async () => {
    const server = await startTestServer();
    const { token } = await registerAndLogin(server.url, 'closing');
    const socket = await connectWithToken(server.url, token);
    const gone = waitForDisconnect(socket);
    await server.close();
    await gone;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    await expect(server.store.ping()).rejects.toThrow();
    closeAllSockets();
  });
});

/** The port `npm start` reports in its "kolokol listening" log line (bounded wait). */
async function listeningPort(output: () => string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /"port":(\d+),[^\n]*"msg":"kolokol listening"/.exec(output());
    if (match) return Number(match[1]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server never reported its port');
}

describe('`npm start` under SIGTERM', () => {
  it('acks every event sent across the signal: its result, or UNAVAILABLE; then disconnects and exits 0', async () => {
    const cwd = await mkdtemp(path.join(tmpdir(), 'kolokol-sigterm-'));
    const server = startProcess('server/src/main.ts', [], {
      cwd,
      env: cleanEnv({ PORT: '0', KOLOKOL_SHUTDOWN_GRACE_MS: '5000' }),
    });
    try {
      const url = `http://127.0.0.1:${await listeningPort(server.output)}`;
      const { token } = await registerAndLogin(url, 'sigterm');
      const socket = await connectWithToken(url, token);
      const idle = await connectWithToken(url, token);
      const idleGone = waitForDisconnect(idle, 15_000);
      const gone = waitForDisconnect(socket, 15_000);

      let unavailable = false;
      const answers: Promise<string>[] = [];
      const send = () =>
        answers.push(
          call(socket, 'session.whoami', {}).then(
            (ack) => {
              if (!ack.ok && ack.error.code === 'UNAVAILABLE') unavailable = true;
              return ack.ok ? 'ok' : ack.error.code;
            },
            () => 'no ack',
          ),
        );
      for (let i = 0; i < 20; i += 1) send();
      server.child.kill('SIGTERM');
      for (let i = 0; i < 20; i += 1) send();
      // A client keeps sending until it is told UNAVAILABLE (then it stops and reconnects later).
      for (let i = 0; i < 400 && !unavailable && socket.connected; i += 1) {
        send();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const results = await Promise.all(answers);
      expect(results.filter((result) => result !== 'ok' && result !== 'UNAVAILABLE')).toEqual([]);
      expect(results).toContain('UNAVAILABLE');
      expect(await gone).toBe('io server disconnect');
      expect(await idleGone).toBe('io server disconnect');
      const finished = await server.finished;
      expect(finished.code).toBe(0);
      expect(finished.stdout).toContain('"msg":"stopped"');
    } finally {
      closeAllSockets();
      server.child.kill('SIGKILL');
      await rm(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});
