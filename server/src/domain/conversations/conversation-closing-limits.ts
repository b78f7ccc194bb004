// Limits of closing the conversations whose match is no longer live (docs/protocol.md,
// "When a conversation closes").

/**
 * Conversations one closing pass (after a cancellation or a suspension, or one housekeeping sweep)
 * closes at most: the work one call causes stays bounded, and the next sweep takes the rest.
 */
export const UNMATCHED_CONVERSATIONS_PER_RUN = 500;
