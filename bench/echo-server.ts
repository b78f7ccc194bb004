// A bare socket.io echo server in its own process, the relay benchmark's baseline: it answers
// every `echo` event with its payload, and prints its port on the first line of stdout.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const httpServer = createServer();
const server = new Server(httpServer, { transports: ['websocket'] });
server.on('connection', (socket) => {
  socket.on('echo', (payload: unknown, ack: unknown) => {
    if (typeof ack === 'function') (ack as (payload: unknown) => void)(payload);
  });
});
httpServer.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(httpServer.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
