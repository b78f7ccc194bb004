// Client-side login cost in Node: what a device does between receiving a challenge and holding
// its identity — the two-secret derivation (one Argon2id run at the user cost, 64 MiB × 3 passes),
// the login signature, and opening the identity backup the login returns. Baseline in the same
// run: one bare Argon2id at the same cost, so the ratio shows what the derivation adds around it.
// Samples are interleaved (baseline, login, baseline, …) and the medians reported.
import {
  PASSPHRASE_KDF,
  deriveTwoSecretKeys,
  generateIdentity,
  newAccountKey,
  newPassphraseSalt,
  openIdentityBackup,
  randomBytes,
  sealIdentityBackup,
  signLoginChallenge,
  sodium,
} from '../../shared/src/crypto/index.js';
import type { BenchResult } from '../measure.js';

const SAMPLES = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeMs(operation: () => unknown): number {
  const start = performance.now();
  operation();
  return performance.now() - start;
}

export async function run(): Promise<BenchResult[]> {
  const handle = 'bench.user';
  const deployment = 'kolokol-bench';
  const passphrase = 'seven quiet lanterns beyond the ferry';
  const accountKey = newAccountKey();
  const salt = newPassphraseSalt();
  const input = { deployment, handle, passphrase, accountKey, salt };
  const registered = deriveTwoSecretKeys(input);
  const keyBackup = sealIdentityBackup(registered.storageKey, generateIdentity(), {
    account: handle,
    generation: 1,
  });
  const challenge = { handle, challengeId: 'AAAAAAAAAAAAAAAAAAAAAA', nonce: randomBytes(32) };

  const login = () => {
    const keys = deriveTwoSecretKeys(input);
    signLoginChallenge(keys.authentication.secretKey, challenge);
    openIdentityBackup(keys.storageKey, keyBackup, { account: handle, minGeneration: 1 });
  };
  const bareArgon2id = () =>
    sodium.crypto_pwhash(
      32,
      passphrase,
      salt,
      PASSPHRASE_KDF.opsLimit,
      PASSPHRASE_KDF.memLimitBytes,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
    );

  bareArgon2id();
  login();
  const baseline: number[] = [];
  const measured: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    baseline.push(timeMs(bareArgon2id));
    measured.push(timeMs(login));
    await Promise.resolve();
  }
  const argon2idMs = median(baseline);
  const loginMs = median(measured);
  return [
    { name: 'auth.baseline_argon2id_ms', value: argon2idMs, unit: 'ms', better: 'lower' },
    {
      name: 'auth.login_client_ms',
      value: loginMs,
      unit: 'ms',
      better: 'lower',
      baseline: 'auth.baseline_argon2id_ms',
      ratio: loginMs / argon2idMs,
    },
  ];
}
