// Fixed limits on requests. How many live requests a contact may have, how old an untaken one may
// grow and how long an ended one is kept are settings (KOLOKOL_MAX_OPEN_REQUESTS,
// KOLOKOL_REQUEST_EXPIRY_HOURS, KOLOKOL_ENDED_REQUEST_RETENTION_HOURS), and so is how many a
// contact may create per hour (KOLOKOL_REQUEST_CREATES_PER_HOUR, a token bucket in memory; a
// retried create with the same clientId is free).

/**
 * Requests expired per store write in housekeeping, and batches per run: each run's work (and the
 * pushes it sends) stays bounded; a backlog clears over the following minutes.
 */
export const EXPIRY_BATCH = 500;
export const EXPIRY_BATCHES_PER_RUN = 10;
