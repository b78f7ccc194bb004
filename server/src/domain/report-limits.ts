// Fixed limits on abuse reports (docs/protocol.md, "reports.create"). They must hold against many
// cheap accounts behind one address (Tor: every client looks the same), so none is per address:
// each bounds what one account can do, and what many new accounts together can pile on one subject.
// How long a closed report is kept is a setting (KOLOKOL_CLOSED_REPORT_RETENTION_DAYS).

/**
 * New reports one account may make per hour (a token bucket in memory): each is a row with up to
 * ~25 KB of sealed note and a moderator's attention. A repeat of an open report is free.
 */
export const REPORTS_PER_REPORTER_PER_HOUR = 5;

/**
 * Open reports one account may have at once: a reporter who waits for moderators cannot fill the
 * queue or the disk by reporting slowly; a closed report frees its place.
 */
export const MAX_OPEN_REPORTS_PER_REPORTER = 10;

/**
 * Open reports from new accounts (younger than KOLOKOL_NEW_ACCOUNT_HOURS) one subject may have:
 * past it, a new account's report about that subject is answered as received and not stored, so
 * a crowd of fresh accounts cannot bury one person in reports (or push moderators to suspend
 * them) while learning nothing about how many were made. Reports from established accounts and
 * staff are never capped this way.
 */
export const MAX_OPEN_NEW_ACCOUNT_REPORTS_PER_SUBJECT = 3;
