// The protocol contract between server and client.
export * from './ack.js';
export * from './audit.js';
export * from './auth.js';
export * from './common.js';
export * from './devices.js';
export * from './direct.js';
export * from './envelope-prekeys.js';
export * from './errors.js';
export * from './events.js';
export * from './handshake.js';
export * from './keys.js';
export * from './pow.js';
export * from './reserved-handles.js';
export * from './version.js';
export * from './offers.js';
export * from './request-lifecycle.js';
export * from './requests.js';
