// What this build pins: the deployment id (TrustConfiguration.deployment), which salts and
// recovery kits are bound to; scripts/client-build.ts defines it from KOLOKOL_DEPLOYMENT at build time.
declare const KOLOKOL_DEPLOYMENT: string;

export const DEPLOYMENT: string = KOLOKOL_DEPLOYMENT;
