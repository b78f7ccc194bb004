// End-to-end crypto shared by the browser client, the server and the tests.
export * from './auth-proof.js';
export * from './bytes.js';
export * from './errors.js';
export * from './format.js';
export * from './hkdf.js';
export * from './identity.js';
export * from './key-store.js';
export * from './padding.js';
export * from './primitives.js';
export * from './safety-number.js';
export * from './sealed-envelope.js';
export * from './trust-chain.js';
export { sodium } from './sodium.js';
