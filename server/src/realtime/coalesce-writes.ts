// Writes the frames of one engine.io flush to a websocket's TCP connection in one system call.
//
// engine.io sends each packet of a flush as its own websocket frame, and ws writes each frame
// with its own `writev` — on loopback and behind a local reverse proxy the kernel's delivery of
// every one of them is charged to this process. The relay's acks and pushes come in bursts (the
// sends of one group commit to one conversation: docs/relay.md, "Frames"), and the packets that
// queue while a frame is being written go out together at the next flush. Corking the TCP socket
// for the flush and uncorking it on the next tick, as Node's documentation recommends for a
// burst of writes, makes those frames one `writev`. Nothing is delayed past the current tick, no
// frame is reordered, and nothing about the frames themselves changes.
import type { KolokolServer, KolokolSocket } from './socket-types.js';

/** engine.io's connection under a socket.io socket, typed through socket.io's own types. */
type EngineSocket = KolokolSocket['conn'];

export function coalesceWebsocketWrites(io: KolokolServer): void {
  io.engine.on('connection', (connection: EngineSocket) => {
    // A websocket connection stays one (allowUpgrades is off): its request's socket is the
    // connection's own TCP socket for its whole life. Polling requests come and go; left alone.
    if (connection.transport.name !== 'websocket') return;
    const tcp = connection.request.socket;
    const uncork = () => tcp.uncork();
    connection.on('flush', () => {
      tcp.cork();
      process.nextTick(uncork);
    });
  });
}
