// The frames engine.io writes to one websocket in one flush leave in one system call
// (server/src/realtime/coalesce-writes.ts; docs/relay.md, "Frames"): a burst of sends in one
// conversation reaches the recipient device in order, complete, and in far fewer writes to its
// TCP socket than frames. The writes are counted on the server's own socket for that device,
// without changing them.
import type { Socket as TcpSocket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationMessageSchema } from '@kolokol/shared';
import { closeAllSockets, type ClientSocket } from '../support/client.js';
import {
  openTestConversation,
  sendPayload,
  type TestConversation,
} from '../support/conversations.js';
import { startTestServer, type TestServer } from '../support/server.js';

const BURST = 16;

let server: TestServer;
let conversation: TestConversation;
beforeAll(async () => {
  server = await startTestServer();
  conversation = await openTestConversation(server);
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

/** The server's TCP socket for the connection of `deviceId` (a websocket connection). */
function tcpSocketOf(deviceId: string): TcpSocket {
  const sockets = [...server.server.realtime.io.sockets.sockets.values()].filter(
    (socket) => socket.data.deviceId === deviceId,
  );
  expect(sockets).toHaveLength(1);
  const [socket] = sockets;
  if (socket === undefined) throw new Error('no socket for the device');
  expect(socket.conn.transport.name).toBe('websocket');
  return socket.conn.request.socket;
}

/** Counts the writes that reach the kernel on `tcp` (libuv writes, one or more buffers each). */
function countWrites(tcp: TcpSocket): { readonly count: () => number; stop(): void } {
  const target = tcp as unknown as {
    _writev?: (...args: unknown[]) => unknown;
    _write: (...args: unknown[]) => unknown;
  };
  const writev = target._writev;
  const write = target._write;
  let writes = 0;
  target._write = function (this: unknown, ...args: unknown[]) {
    writes += 1;
    return write.apply(this, args);
  };
  if (writev !== undefined) {
    target._writev = function (this: unknown, ...args: unknown[]) {
      writes += 1;
      return writev.apply(this, args);
    };
  }
  return {
    count: () => writes,
    stop() {
      target._write = write;
      if (writev !== undefined) target._writev = writev;
    },
  };
}

function nextPushes(socket: ClientSocket, count: number): Promise<number[]> {
  return new Promise((resolve) => {
    const seqs: number[] = [];
    const onMessage = (message: unknown) => {
      seqs.push(conversationMessageSchema.parse(message).seq);
      if (seqs.length === count) {
        socket.off('conversations.message', onMessage);
        resolve(seqs);
      }
    };
    socket.on('conversations.message', onMessage);
  });
}

describe('frames of one flush', () => {
  it('reach the recipient in order and complete, in fewer writes than frames', async () => {
    const { staff, peer, id } = conversation;
    const received = nextPushes(peer.socket, BURST);
    const acks = countWrites(tcpSocketOf(staff.deviceId));
    const pushes = countWrites(tcpSocketOf(peer.deviceId));
    try {
      // One burst, not awaited one by one: the sends share group commits, and their acks and
      // pushes queue for the same two sockets.
      const answers = await Promise.all(
        Array.from({ length: BURST }, () =>
          staff.socket.emitWithAck('conversations.send', sendPayload(id, peer)),
        ),
      );
      expect(answers.map((answer: { ok: boolean }) => answer.ok)).toEqual(
        Array<boolean>(BURST).fill(true),
      );
      expect(await received).toEqual(Array.from({ length: BURST }, (_, index) => index + 1));
      // One write a frame without coalescing (BURST each); with it, about two a group commit.
      expect(pushes.count()).toBeGreaterThan(0);
      expect(pushes.count()).toBeLessThanOrEqual(BURST / 2);
      expect(acks.count()).toBeGreaterThan(0);
      expect(acks.count()).toBeLessThanOrEqual(BURST / 2);
    } finally {
      acks.stop();
      pushes.stop();
    }
  });
});
