// Fixed limits on requests. How many live requests a contact may have, how old an untaken one may
// grow and how long an ended one is kept are settings (KOLOKOL_MAX_OPEN_REQUESTS,
// KOLOKOL_REQUEST_EXPIRY_HOURS, KOLOKOL_ENDED_REQUEST_RETENTION_HOURS).

/**
 * New requests one contact may create per hour (a token bucket in memory): the live-request cap
 * alone would let a contact create and cancel in a loop, each time writing ~37 KB of sealed
 * details and leaving a row until the retention ends. A retried create (same clientId) is free.
 */
export const REQUEST_CREATES_PER_CONTACT_PER_HOUR = 10;

/**
 * Requests expired per store write in housekeeping, and batches per run: each run's work (and the
 * pushes it sends) stays bounded; a backlog clears over the following minutes.
 */
export const EXPIRY_BATCH = 500;
export const EXPIRY_BATCHES_PER_RUN = 10;
