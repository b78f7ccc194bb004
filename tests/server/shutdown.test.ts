// Graceful shutdown: in-flight work finishes before the store closes, new events are refused,
// sockets are closed and the port stops answering.
import { describe, expect, it } from 'vitest';
import { InFlight } from '../../server/src/realtime/in-flight.js';
import {
  closeAllSockets,
  connectWithToken,
  registerAndLogin,
  waitForDisconnect,
} from '../support/client.js';
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
