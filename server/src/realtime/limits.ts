// Every fixed limit of the socket layer, each with what it bounds and why. Limits an operator
// may tune are configuration (server/src/config/config.ts); docs/protocol.md names both.
import { clientEvents } from '@kolokol/shared';

/** Bad events a socket may send before it is disconnected as abusive. */
export const MAX_STRIKES = 20;

/**
 * Largest CONNECT packet (the handshake's `auth`, about 70 bytes in practice): it is read
 * before authentication, so anything bigger is refused before it is parsed.
 */
export const MAX_CONNECT_PACKET_BYTES = 1024;

/** The largest payload any event accepts (`revocations.publish`), in bytes of JSON. */
export const LARGEST_EVENT_PAYLOAD_BYTES = Math.max(
  ...Object.values(clientEvents).map((definition) => definition.maxBytes),
);

/**
 * Room a socket.io packet needs around its payload (packet type, ack id, event name, brackets):
 * the default message limit is the largest payload plus this, so no message is bigger than
 * the largest event that could be accepted.
 */
export const PACKET_FRAMING_BYTES = 1024;

/** A connection that has not joined the namespace (authenticated) by then is closed. */
export const SOCKET_CONNECT_TIMEOUT_MS = 10_000;

/**
 * engine.io heartbeat: a ping every 25 s, and a connection whose pong is 20 s late is closed,
 * so a dead peer holds its account's socket slot for at most 45 s (engine.io's defaults,
 * set here on purpose; generous enough for Tor round trips).
 */
export const PING_INTERVAL_MS = 25_000;
export const PING_TIMEOUT_MS = 20_000;

/** A transport upgrade (polling → websocket) not finished by then is cancelled. */
export const UPGRADE_TIMEOUT_MS = 10_000;

/**
 * How long, at most, shutdown keeps open sockets after in-flight work is done, answering
 * UNAVAILABLE, so events already on the wire get an ack instead of vanishing with the
 * connection (less when every client leaves first).
 */
export const SHUTDOWN_LINGER_MS = 1000;

/** How often Node checks HTTP requests against the header and request timeouts. */
export const HTTP_TIMEOUT_CHECK_INTERVAL_MS = 1000;

/**
 * A socket's slot in Redis (several processes) is a lease renewed while the socket is open: a
 * process killed without closing its sockets holds its accounts' slots this long at most.
 */
export const SOCKET_SLOT_LEASE_MS = 30_000;

/** How often a process renews the leases of its open sockets: three renewals per lease. */
export const SOCKET_SLOT_RENEW_MS = 10_000;

/** A Redis command (a limit, a slot) that takes longer fails: the event is refused UNAVAILABLE. */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;

/** How long connecting to Redis may take, at start-up and on each reconnect attempt. */
export const REDIS_CONNECT_TIMEOUT_MS = 5000;

/** Reconnect attempts back off to one every this many milliseconds while Redis is away. */
export const REDIS_RECONNECT_MAX_DELAY_MS = 2000;
