// Fixed limits on an account's devices. The cap on devices per account is a setting
// (KOLOKOL_MAX_DEVICES_PER_ACCOUNT, at most MAX_DEVICES_PER_ACCOUNT_CEILING in shared).

/** How long a reserved device id waits for the list that adds it: a few minutes to sign and publish. */
export const PENDING_DEVICE_TTL_MS = 10 * 60 * 1000;

/**
 * Unexpired reservations one account may hold: a device being added (and a retry or two), so a
 * session cannot fill the table; each needs a login (passphrase) to make in the first place.
 */
export const MAX_PENDING_DEVICES_PER_ACCOUNT = 3;
