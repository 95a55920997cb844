// npm run bench:startup — how soon the desktop app knows its tier when it starts: a license core with a cached
// Enterprise entitlement and the license server unreachable, from start() to the first state it publishes
// (what the window shows first). Each run is a new LicenseCore over the same secret store (the process is warm,
// as a second window or a restart of the core is; the very first run is printed on its own). The secret store
// is opened as the app opens it (openSecretStore), before start(): for the OS keychain that includes the
// connection and encrypted session the license item is read over, so the bench also runs BENCH_PROCESSES
// (default 20) fresh processes, each going the app's whole way — load the keychain addon, open the store,
// start() to the first state — and prints each part. Beside them: this machine's id, the secret store's read,
// the offline verification, the keychain's connection alone, and the machine's own floor: a bare read of the
// same file and one raw Ed25519 signature check. The file store always; the OS keychain when a Secret Service
// answers (run it under scripts/with-secret-service.sh). BENCH_RUNS sets the runs (default 300).
import { execFile } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import nodeMachineId from 'node-machine-id';
import { ENTITLEMENT_AUDIENCE, ENTITLEMENT_TYP } from '../common/entitlement';
import { deriveAnchor } from '../main/license/anchor';
import { verifyEntitlement } from '../main/license/entitlement-check';
import { FileSecretStore } from '../main/license/file-secret-store';
import { osKeyringEntry } from '../main/license/keychain';
import { readOsMachineId } from '../main/license/machine-id';
import { openSecretStore } from '../main/license/open-secret-store';
import type { SecretStore } from '../main/license/ports';
import { STORED_ITEMS } from '../main/license/stored-items';
import { serializeStored } from '../main/license/stored-license';
import { coldStart, ISSUER } from './startup-core';
import type { FreshProcessTimes } from './startup-process';
import { machineLine, millis, percentile, printTable } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 20);
const GOAL_MEDIAN_MS = 5;
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'startup-process.ts');
const run = promisify(execFile);

async function timed(runs: number, call: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

const median = (sorted: number[]) => percentile(sorted, 50);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

async function entitlementFor(anchor: string): Promise<{ token: string; jwks: JSONWebKeySet }> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'EdDSA', use: 'sig' }] };
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ tier: 'enterprise', lic: 'lic_bench', txn: '3AB12345CD678901E', status: 'active', plan: 'enterprise-lifetime' })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'bench-1', typ: ENTITLEMENT_TYP })
    .setIssuer(ISSUER)
    .setAudience(ENTITLEMENT_AUDIENCE)
    .setSubject(anchor)
    .setIssuedAt(now)
    .setNotBefore(now - 60)
    .setExpirationTime(now + 14 * 86_400)
    .sign(privateKey);
  return { token, jwks };
}

interface Store {
  label: string;
  kind: 'keychain' | 'file';
  secrets: SecretStore;
  service: string;
  dataDir: string;
}

async function measureStore(store: Store, jwks: JSONWebKeySet) {
  const first = await coldStart(store.secrets, jwks);
  if (first.tier !== 'enterprise') throw new Error(`the cached entitlement was not accepted (${store.label}: ${first.tier})`);
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push((await coldStart(store.secrets, jwks)).ms);
  const read = await timed(RUNS, () => store.secrets.get(STORED_ITEMS.entitlement));
  return { first: first.ms, samples: sorted(samples), read };
}

/** The app's whole way to its first state, in `PROCESSES` new processes one after another. */
async function freshProcesses(store: Store, jwks: JSONWebKeySet) {
  const input = JSON.stringify({ service: store.service, dataDir: store.dataDir, jwks, store: store.kind });
  const runs: FreshProcessTimes[] = [];
  for (let i = 0; i < PROCESSES; i++) {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD], { env: { ...process.env, HARDBOUND_BENCH_STARTUP: input } });
    const times = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as FreshProcessTimes;
    if (times.storage !== store.kind || times.tier !== 'enterprise') throw new Error(`a fresh process did not start as measured (${store.label}: ${times.storage}, ${times.tier})`);
    runs.push(times);
  }
  const part = (pick: (t: FreshProcessTimes) => number) => median(sorted(runs.map(pick)));
  return {
    addon: part((t) => t.addonMs),
    open: part((t) => t.openMs),
    start: sorted(runs.map((t) => t.startMs)),
    whole: part((t) => t.addonMs + t.openMs + t.startMs),
  };
}

async function main(): Promise<void> {
  console.log(`bench:startup — license core cold start with a cached Enterprise entitlement, server unreachable; ${RUNS} runs, ${PROCESSES} fresh processes`);
  console.log(`  ${machineLine()}`);
  const anchor = await deriveAnchor({ readMachineId: readOsMachineId, appSalt: 'hardbound-bench-salt' });
  if (!anchor.ok) throw new Error(`this machine has no usable id: ${anchor.error.message}`);
  const { token, jwks } = await entitlementFor(anchor.anchor);
  const now = Date.now();
  const item = serializeStored({ token, mark: { seenAt: now, iat: Math.floor(now / 1000) }, refreshedAt: now, license: null, unbound: null, transfer: null });

  const dir = mkdtempSync(path.join(tmpdir(), 'hardbound-bench-startup-'));
  const service = `dev.hardbound.bench.${process.pid}`;
  const stores: Store[] = [];
  try {
    const file = new FileSecretStore(dir);
    await file.set(STORED_ITEMS.entitlement, item);
    stores.push({ label: 'file store', kind: 'file', secrets: file, service, dataDir: dir });
    const opening = performance.now();
    const opened = await openSecretStore({ service, dataDir: path.join(dir, 'fallback') });
    const openMs = performance.now() - opening;
    if (opened.store.kind === 'keychain') {
      await opened.store.set(STORED_ITEMS.entitlement, item);
      stores.push({ label: 'OS keychain', kind: 'keychain', secrets: opened.store, service, dataDir: path.join(dir, 'fallback') });
    } else {
      console.log(`  OS keychain not measured: ${opened.fallbackReason ?? 'no keychain'} (run under sh scripts/with-secret-service.sh)`);
    }

    const results = [];
    for (const store of stores) results.push({ store, warm: await measureStore(store, jwks), fresh: await freshProcesses(store, jwks) });

    const machineId = await timed(RUNS, () => readOsMachineId());
    const check = await timed(RUNS, () => verifyEntitlement(token, { trust: { pinnedJwks: jwks, issuer: ISSUER }, anchor: anchor.anchor, now: Date.now() }));
    const bareRead = await timed(RUNS, () => readFile(path.join(file.folder, STORED_ITEMS.entitlement)));
    const raw = generateKeyPairSync('ed25519');
    const message = Buffer.from(token.split('.').slice(0, 2).join('.'));
    const signature = sign(null, message, raw.privateKey);
    const publicKey = createPublicKey(raw.publicKey.export({ format: 'pem', type: 'spki' }));
    const ed25519 = await timed(RUNS, async () => verify(null, message, publicKey, signature));
    const library = await timed(Math.min(RUNS, 20), () => nodeMachineId.machineId(true));
    // The library opens a D-Bus connection and an encrypted Secret Service session in each entry's
    // constructor; a read over a new entry pays it, a read over the store's open entry does not.
    const keychain = stores.some((s) => s.kind === 'keychain');
    const connection = keychain ? await timed(Math.min(RUNS, 50), async () => osKeyringEntry(service, STORED_ITEMS.entitlement)) : [];
    const newEntryRead = keychain ? await timed(Math.min(RUNS, 50), () => osKeyringEntry(service, STORED_ITEMS.entitlement).getPassword()) : [];

    for (const { store, warm, fresh } of results) {
      const met = median(warm.samples) <= GOAL_MEDIAN_MS;
      printTable(`start() → first published state (${store.label})`, [
        ['median', millis(median(warm.samples)), `goal ≤ ${GOAL_MEDIAN_MS} ms: ${met ? 'met' : 'NOT met'}`],
        ['p90', millis(percentile(warm.samples, 90))],
        ['first run of the process', millis(warm.first), 'cold modules and JIT'],
        [`${store.label} read (part)`, millis(median(warm.read)), store.kind === 'keychain' ? 'over the store\'s open connection' : ''],
      ]);
      printTable(`a newly launched app, ${PROCESSES} fresh processes (${store.label}), medians`, [
        ['load the keychain addon', millis(fresh.addon), 'at import, before anything else'],
        ['open the secret store', millis(fresh.open), store.kind === 'keychain' ? 'probe + the license item\'s connection' : 'nothing to open'],
        ['start() → first published state', millis(median(fresh.start)), `goal ≤ ${GOAL_MEDIAN_MS} ms: ${median(fresh.start) <= GOAL_MEDIAN_MS ? 'met' : 'NOT met'}; cold modules and JIT`],
        ['all three', millis(fresh.whole)],
      ]);
    }
    if (keychain) {
      printTable('OS keychain, medians in this run', [
        ['open the store in this (warm) process', millis(openMs), 'probe + the license item\'s connection, once'],
        ['a new connection and session', millis(median(connection)), 'the library\'s entry constructor, synchronous'],
        ['a read over a new connection', millis(median(newEntryRead)), 'what each read cost before entries were kept'],
      ]);
    }
    printTable('parts and floor, medians in this run', [
      ['machine id (direct read)', millis(median(machineId))],
      ['entitlement verify (jose, pinned JWKS)', millis(median(check))],
      ['bare file read of the same item', millis(median(bareRead)), 'floor'],
      ['one Ed25519 verify (node:crypto)', millis(median(ed25519)), 'floor'],
      ['machine id through node-machine-id', millis(median(library)), 'before: a shell pipeline, for comparison'],
    ]);
    for (const { secrets } of stores) await secrets.delete(STORED_ITEMS.entitlement);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:startup: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
