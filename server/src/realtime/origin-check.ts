// Origin allowlist for socket.io, applied to the websocket upgrade and to every polling
// request alike. A request without an Origin header is not a cross-site browser request
// (non-browser clients, same-origin GETs) and is let through; tokens, not cookies, authenticate.
import type { IncomingMessage } from 'node:http';

export function originCheck(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return (
    req: IncomingMessage,
    callback: (error: string | null | undefined, success: boolean) => void,
  ): void => {
    const origin = req.headers.origin;
    if (origin === undefined || allowed.has(origin)) callback(null, true);
    else callback('origin not allowed', false);
  };
}
