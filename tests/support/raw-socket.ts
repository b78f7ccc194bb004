// Raw socket.io packets over the real client's engine.io connection, for attack reproductions:
// what a hostile client can put on the wire that socket.io-client never would (binary
// attachments, extra CONNECT packets, hand-written JSON).
import { Manager } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@kolokol/shared';

export interface RawConnection {
  /** Sends one engine.io message: a socket.io packet as text, or a binary frame. */
  send(data: string | Uint8Array): void;
  /** The first text message (a socket.io packet) that `match` accepts. */
  next(match: (packet: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves with the close reason once the engine.io connection is closed. */
  readonly closed: Promise<string>;
  isOpen(): boolean;
  /** Resolves when everything sent so far has been handed to the transport. */
  flushed(): Promise<void>;
  close(): void;
}

const opened = new Set<RawConnection>();

/** An engine.io connection with no socket.io namespace joined yet (nothing authenticated). */
export function openRaw(
  url: string,
  options: { transports?: ('websocket' | 'polling')[]; extraHeaders?: Record<string, string> } = {},
): Promise<RawConnection> {
  const manager = new Manager(url, {
    transports: options.transports ?? ['websocket'],
    extraHeaders: options.extraHeaders,
    reconnection: false,
    autoConnect: false,
    timeout: 5000,
  });
  return new Promise((resolve, reject) => {
    manager.open((error) => {
      if (error) {
        reject(error);
        return;
      }
      const engine = manager.engine;
      const messages: string[] = [];
      const waiters = new Set<() => void>();
      let open = true;
      const closed = new Promise<string>((done) =>
        engine.once('close', (reason: string) => {
          open = false;
          for (const wake of waiters) wake();
          done(reason);
        }),
      );
      engine.on('message', (data: unknown) => {
        if (typeof data !== 'string') return;
        messages.push(data);
        for (const wake of waiters) wake();
      });
      const connection: RawConnection = {
        // A view, not a copy: a test that sends one buffer many times holds it once.
        send: (data) =>
          void engine.send(
            typeof data === 'string'
              ? data
              : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
          ),
        next(match, timeoutMs = 5000) {
          return new Promise((found, fail) => {
            const check = (): boolean => {
              const index = messages.findIndex(match);
              if (index >= 0) {
                cleanup();
                found(messages.splice(index, 1)[0]!);
                return true;
              }
              if (!open) {
                cleanup();
                fail(new Error('connection closed before the packet arrived'));
                return true;
              }
              return false;
            };
            const timer = setTimeout(() => {
              cleanup();
              fail(new Error('no such packet in time'));
            }, timeoutMs);
            const cleanup = () => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            if (!check()) waiters.add(check);
          });
        },
        closed,
        isOpen: () => open,
        flushed: () =>
          new Promise((done) => {
            if (!open || engine.writeBuffer.length === 0) done();
            else engine.once('drain', () => done());
            setTimeout(done, 5000);
          }),
        close: () => {
          manager.engine.close();
          opened.delete(connection);
        },
      };
      opened.add(connection);
      resolve(connection);
    });
  });
}

/** Joins the default namespace with `token` by a hand-written CONNECT packet; resolves with the server's answer. */
export async function rawConnect(connection: RawConnection, token: string): Promise<string> {
  connection.send(`0${JSON.stringify({ token, protocol: PROTOCOL_VERSION })}`);
  return connection.next((packet) => packet.startsWith('0') || packet.startsWith('4'));
}

let nextAckId = 900_000;

/**
 * Sends `2<id>["event",<payloadText>]` with `payloadText` exactly as given (no re-serialisation)
 * and resolves with the parsed ack.
 */
export async function rawEmit(
  connection: RawConnection,
  event: string,
  payloadText: string,
): Promise<unknown> {
  nextAckId += 1;
  const id = nextAckId;
  connection.send(`2${id}[${JSON.stringify(event)},${payloadText}]`);
  const packet = await connection.next((text) => text.startsWith(`3${id}[`));
  return (JSON.parse(packet.slice(`3${id}`.length)) as unknown[])[0];
}

export function closeAllRaw(): void {
  for (const connection of opened) connection.close();
}
