// Limits of the moderation pipeline, each bounding the work one run or one call can cause.

/**
 * Open requests one matching run reads at most, oldest first; the rest wait for the next run
 * (a run follows each one that proposed anything). Well inside the engine's MAX_BATCH_REQUESTS.
 */
export const MATCH_REQUESTS_PER_RUN = 2_000;

/** Approved offers past their timeout handled per housekeeping run (the rest next time). */
export const TIMEOUTS_PER_RUN = 200;

/** Live proposals whose request was cancelled or expired, withdrawn per run. */
export const ORPHANS_PER_RUN = 500;

/**
 * The least rest between two matching runs (each rest is as long as the last run took, at least
 * this): every offer change asks for a run, and a volunteer toggling `paused` in a loop must not
 * keep the engine busy without pause.
 */
export const MIN_MATCH_REST_MS = 100;
