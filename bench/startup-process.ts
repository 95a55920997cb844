// One fresh process of bench:startup: the app's whole way to its first state, as a newly launched app goes
// it — load the keychain addon, open the secret store as the app does (openSecretStore: the probe, and the
// license item's connection), then a license core from start() to its first state. Prints one JSON line.
// Reads HARDBOUND_BENCH_STARTUP: {"service","dataDir","jwks","store":"keychain"|"file"}.
import { performance } from 'node:perf_hooks';
import type { JSONWebKeySet } from 'jose';
import { coldStart } from './startup-core';

interface Input {
  service: string;
  dataDir: string;
  jwks: JSONWebKeySet;
  store: 'keychain' | 'file';
}

export interface FreshProcessTimes {
  addonMs: number;
  openMs: number;
  startMs: number;
  storage: string;
  tier: string;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.HARDBOUND_BENCH_STARTUP ?? '') as Input;
  const loading = performance.now();
  await import('@napi-rs/keyring');
  const addonMs = performance.now() - loading;
  const { openSecretStore } = await import('../main/license/open-secret-store');
  const { FileSecretStore } = await import('../main/license/file-secret-store');
  const opening = performance.now();
  const secrets = input.store === 'keychain' ? (await openSecretStore({ service: input.service, dataDir: input.dataDir })).store : new FileSecretStore(input.dataDir);
  const openMs = performance.now() - opening;
  const started = await coldStart(secrets, input.jwks);
  const times: FreshProcessTimes = { addonMs, openMs, startMs: started.ms, storage: secrets.kind, tier: started.tier };
  console.log(JSON.stringify(times));
}

main().catch((error: unknown) => {
  console.error(`bench:startup child: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
