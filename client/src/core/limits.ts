// Every limit and timing of the client core, each with what it bounds and why (docs/client.md,
// "Limits"). The server's own limits are in @kolokol/shared; these only shape how this client
// waits, retries and keeps state.

export const CLIENT_LIMITS = {
  /** How long a call waits for its ack: past it the call fails UNAVAILABLE and may be retried. */
  callTimeoutMs: 10_000,
  /** The first reconnect waits about this long; each next one twice as long, up to the maximum. */
  reconnectDelayMs: 500,
  /** The longest wait between reconnect attempts, so a phone back online is served within it. */
  reconnectDelayMaxMs: 10_000,
  /** Spreads reconnects (±50 %) so a restarted server is not hit by every client at once. */
  reconnectJitter: 0.5,
  /** Rounds of proof of work one anonymous request pays at most before giving up. */
  powRounds: 3,
  /**
   * Messages the outbox holds at most: a person offline for long cannot fill the device's
   * storage, and the server's per-minute budget would refuse a larger burst anyway.
   */
  outboxMessages: 500,
  /** One-time X25519 prekeys uploaded at a time (the server's upload maximum is 100). */
  oneTimePrekeys: 50,
  /** One-time ML-KEM-768 prekeys uploaded at a time (the server's upload maximum is 20). */
  oneTimeKemPrekeys: 10,
  /** Messages asked for per `conversations.fetch` (the server's maximum). */
  fetchPage: 100,
  /**
   * Longest message text, in UTF-8 bytes: with its framing it stays within the 4 KiB padding
   * bucket, so one message to a peer's 20 devices stays within the server's bytes per send.
   */
  messageTextBytes: 4000,
  /** How long the outbox waits before trying again after RATE_LIMITED. */
  outboxRetryMs: 5_000,
  /** Messages of history kept per conversation on the device; older ones are dropped first. */
  historyMessages: 2000,
  /** Audit log entries asked for per `audit.entries` page (the server's maximum, MAX_AUDIT_ENTRIES_PAGE). */
  auditPage: 100,
} as const;
