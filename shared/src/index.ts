// @kolokol/shared: the contract (protocol) and the byte encoding both sides use.
// End-to-end crypto is imported separately from '@kolokol/shared/crypto'.
export * from './protocol/index.js';
export * from './encoding/base64url.js';
export * from './skills/index.js';
