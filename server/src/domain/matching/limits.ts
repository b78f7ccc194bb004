// The matching engine's limits, each with what it bounds and why (docs/matching.md).

/**
 * Candidate volunteers each request brings into the batch's flow network in the first round.
 * Small keeps the network small; the certificate then says which requests could gain from more.
 */
export const CANDIDATES_PER_REQUEST = 8;

/** How much a request's candidate count grows each round its certificate fails. */
export const WIDEN_FACTOR = 4;

/**
 * Best-ranked candidates a request brings at most (8 → 32 → 128): bounds what one request with a
 * huge tie group of equally good volunteers can add to the network.
 */
export const MAX_CANDIDATES_PER_REQUEST = 128;

/**
 * Candidates a request brings in the first round besides its best-ranked ones, drawn by its own
 * tie-break from its profile's best volunteers (spreadEdges): requests alike rank the volunteers
 * alike and would otherwise all bring the same few, which their slots cannot hold.
 */
export const SPREAD_CANDIDATES = 8;

/**
 * The spread candidates are drawn from a profile's best SPREAD_WINDOW volunteers at least, or
 * PROFILE_COVERAGE per request of the profile if that is more (and more if the greedy pass had to
 * look further), so that between them the requests of a profile reach enough volunteers.
 */
export const SPREAD_WINDOW = 64;
export const PROFILE_COVERAGE = 2;

/**
 * Volunteers with a slot still free after a round that each widened request brings into the
 * next: the best-ranked ones may all be taken.
 */
export const FREE_CANDIDATES_PER_ROUND = 8;

/**
 * Requests holding a volunteer that one widening gives more candidates at most (for the
 * unassigned requests in serving order, most urgent first): each leaves the flow and joins it
 * again, two searches that can each cover much of the network.
 */
export const MAX_WIDENED_HOLDERS = 64;

/**
 * Flow runs one batch makes at most (the first, then up to three widenings): each is exact on its
 * network; this bounds the time a batch takes when certificates keep failing.
 */
export const MAX_BATCH_ROUNDS = 4;

/**
 * Request–volunteer edges a widening may grow the network to: the solver's time and memory grow
 * with the edges, and a few requests with large tie groups must not make the batch take minutes.
 * The first network has at most CANDIDATES_PER_REQUEST + 1 + SPREAD_CANDIDATES edges per request
 * whatever this is.
 */
export const MAX_BATCH_EDGES = 400_000;

/**
 * Offers a profile's candidate list holds at most when a tie group at its end is larger (ties
 * are common: scores are small whole numbers); the cut is fair (hash order) and accounted for by
 * the certificate.
 */
export const CANDIDATE_LIST_CAP = 4096;

/**
 * Requests one batch assigns at most: the exact objective folds the urgency levels, the score and
 * the tie-break into one number that must stay below 2^53, which bounds the batch's size. Past
 * it, the most urgent and longest-waiting requests go first; the rest wait for the next run.
 */
export const MAX_BATCH_REQUESTS = 15_000;
