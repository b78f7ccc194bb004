// A reverse proxy on loopback that serves a Kolokol server under a sub-path, as nginx's
// `location /prefix/ { proxy_pass http://127.0.0.1:8080/; }` does: requests (and websocket
// upgrades) under `<prefix>/` go to the target with the prefix cut off; anything else is 404.
// The target is set after the proxy listens, since the server must allow the proxy's origin.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface PrefixProxy {
  /** The proxied server's address as a browser sees it: http://127.0.0.1:<port><prefix>/ */
  readonly url: string;
  readonly origin: string;
  /** Where to forward: the server's port on 127.0.0.1. */
  setTarget(port: number): void;
  /**
   * A network outage between browser and server: `true` cuts every open connection (websockets
   * included) and refuses new ones until called with `false`.
   */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startPrefixProxy(prefix: string): Promise<PrefixProxy> {
  let targetPort: number | undefined;
  let down = false;
  const strip = (url: string | undefined): string | undefined =>
    url !== undefined && url.startsWith(`${prefix}/`) ? url.slice(prefix.length) : undefined;
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    const path = strip(req.url);
    if (down) {
      res.destroy();
      return;
    }
    if (path === undefined || targetPort === undefined) {
      res.writeHead(404).end();
      return;
    }
    const upstream = request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const path = strip(req.url);
    if (down || path === undefined || targetPort === undefined) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1', () => {
      const headers = Object.entries(req.headers)
        .flatMap(([name, value]) =>
          (Array.isArray(value) ? value : [value ?? '']).map((one) => `${name}: ${one}`),
        )
        .join('\r\n');
      upstream.write(`${req.method ?? 'GET'} ${path} HTTP/1.1\r\n${headers}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${prefix}/`,
    origin,
    setTarget(next) {
      targetPort = next;
    },
    setDown(next) {
      down = next;
      if (down) for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
