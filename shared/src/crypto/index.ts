// End-to-end crypto shared by the browser client, the server and the tests: the one public entry
// (`@kolokol/shared/crypto`). The rooms below are listed in dependency order; a room imports only
// from rooms above it (tests/architecture.test.ts holds them to that).

// primitives: libsodium wrappers, bytes, HKDF, the format header, padding, the error type.
export * from './primitives/bytes.js';
export * from './primitives/errors.js';
export * from './primitives/format.js';
export * from './primitives/hkdf.js';
export * from './primitives/padding.js';
export * from './primitives/primitives.js';
export * from './primitives/xwing.js';
export { sodium } from './primitives/sodium.js';

// identity: the long-term identity, two-secret (passphrase + account key) keys, safety numbers.
export * from './identity/identity.js';
export * from './identity/two-secret-keys.js';
export * from './identity/safety-number.js';

// proofs: what a client signs or computes for the server (login, registration, backup, rekey, work).
export * from './proofs/auth-proof.js';
export * from './proofs/backup-proof.js';
export * from './proofs/device-proof.js';
export * from './proofs/proof-of-work.js';
export * from './proofs/rekey-proof.js';

// envelope: sealed multi-recipient envelopes and the envelope prekeys they are sealed to.
export * from './envelope/contexts.js';
export * from './envelope/envelope-prekey-store.js';
export * from './envelope/envelope-prekeys.js';
export * from './envelope/sealed-envelope.js';

// trust: the organisation's root key, moderator certificates, revocation, signed audit
// statements and the hash-chained audit log.
export * from './trust/audit-chain.js';
export * from './trust/audit-statement.js';
export * from './trust/moderator-directory.js';
export * from './trust/revocation.js';
export * from './trust/trust-chain.js';

// devices: device keys and the identity-signed device list.
export * from './devices/device-list.js';

// handshake: prekeys, the private prekey store, PQXDH.
export * from './handshake/pqxdh.js';
export * from './handshake/prekeys.js';
export * from './handshake/prekeys-store.js';

// ratchet: the Double Ratchet with header encryption, and the session that runs it.
export * from './ratchet/ratchet.js';
export * from './ratchet/ratchet-header.js';
export * from './ratchet/ratchet-state.js';
export * from './ratchet/session.js';

// peers: a peer account's verified devices, a session with each, one envelope per device.
export * from './peers/peer-devices.js';

// storage: the sealed key store and what is sealed in it (identity backup, sessions, prekeys).
export * from './storage/account-key-store.js';
export * from './storage/identity-backup.js';
export * from './storage/key-store.js';
export * from './storage/sealed-state.js';

// recovery: the account key's recovery kit (words, QR payload), passphrase strength and
// generation, and the registration and rekey steps that check a new passphrase.
export * from './recovery/account-setup.js';
export * from './recovery/generated-passphrase.js';
export * from './recovery/passphrase-strength.js';
export * from './recovery/recovery-errors.js';
export * from './recovery/recovery-kit.js';
export * from './recovery/recovery-kit-text.js';
export * from './recovery/recovery-payload.js';
export * from './recovery/recovery-words.js';
