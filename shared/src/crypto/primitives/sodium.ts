// Loads libsodium once; every crypto module takes `sodium` from here, so nothing runs before it is ready.
import sodiumModule from 'libsodium-wrappers-sumo';

await sodiumModule.ready;

export const sodium = sodiumModule;
