// The skill taxonomy shared by server and clients.
export * from './taxonomy.js';
export * from './regions.js';
export * from './availability.js';
