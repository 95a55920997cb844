// npm run bench:startup — how soon the desktop app knows its tier when it starts: a license core with a cached
// Enterprise entitlement and the license server unreachable, from start() to the first state it publishes
// (what the window shows first). Each run is a new LicenseCore over the same stored item (the process is warm,
// as a second window or a restart of the core is; the very first run is printed on its own). Its parts are
// measured alone in the same run — this machine's id, the secret store's read, the offline verification — and
// beside them the machine's own floor: a bare read of the same file and one raw Ed25519 signature check.
// The file store stands in for the keychain unless a Secret Service answers (run it under
// scripts/with-secret-service.sh to measure the keychain too). BENCH_RUNS sets the runs (default 300).
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import nodeMachineId from 'node-machine-id';
import { systemClock } from '../common/clock';
import { ENTITLEMENT_AUDIENCE, ENTITLEMENT_TYP } from '../common/entitlement';
import { deriveAnchor } from '../main/license/anchor';
import { verifyEntitlement } from '../main/license/entitlement-check';
import { FileSecretStore } from '../main/license/file-secret-store';
import { KeychainSecretStore } from '../main/license/keychain';
import { LicenseCore } from '../main/license/license-core';
import { readOsMachineId } from '../main/license/machine-id';
import { nodeHttpTransport } from '../main/license/node-transport';
import type { CheckoutWindowOpener, SecretStore } from '../main/license/ports';
import { STORED_ITEMS } from '../main/license/stored-items';
import { serializeStored } from '../main/license/stored-license';
import { machineLine, millis, percentile, printTable } from './support';

const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const GOAL_MEDIAN_MS = 5;
const ISSUER = 'hardbound-bench';
const SALT = 'hardbound-bench-salt';
/** Nothing listens here: the first refresh fails, after the first state is out. */
const UNREACHABLE = 'http://127.0.0.1:9';
const noWindow: CheckoutWindowOpener = { open: () => ({ outcome: new Promise(() => undefined), close: () => undefined }) };
const transport = nodeHttpTransport({ env: {} });

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

/** From start() to the first published state, for a fresh core over `secrets`. */
async function coldStart(secrets: SecretStore, jwks: JSONWebKeySet): Promise<{ ms: number; tier: string }> {
  const core = new LicenseCore({
    env: { clock: systemClock, readMachineId: readOsMachineId },
    secrets,
    server: { baseUrl: UNREACHABLE, transport, retry: { attempts: 1 } },
    pinnedJwks: jwks,
    issuer: ISSUER,
    appSalt: SALT,
    checkoutWindow: noWindow,
  });
  let publishedAt = 0;
  let tier = '';
  const off = core.onState((state) => {
    if (publishedAt === 0) {
      publishedAt = performance.now();
      tier = state.license.tier;
    }
  });
  const started = performance.now();
  await core.start();
  off();
  await core.stop();
  // The refresh start() began fails against the closed port; let it end before the next run starts.
  await new Promise((resolve) => setTimeout(resolve, 5));
  return { ms: publishedAt - started, tier };
}

async function measureStore(label: string, secrets: SecretStore, jwks: JSONWebKeySet) {
  const first = await coldStart(secrets, jwks);
  if (first.tier !== 'enterprise') throw new Error(`the cached entitlement was not accepted (${label}: ${first.tier})`);
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push((await coldStart(secrets, jwks)).ms);
  samples.sort((a, b) => a - b);
  const read = await timed(RUNS, () => secrets.get(STORED_ITEMS.entitlement));
  return { label, first: first.ms, samples, read };
}

async function main(): Promise<void> {
  console.log(`bench:startup — license core cold start with a cached Enterprise entitlement, server unreachable; ${RUNS} runs`);
  console.log(`  ${machineLine()}`);
  const anchor = await deriveAnchor({ readMachineId: readOsMachineId, appSalt: SALT });
  if (!anchor.ok) throw new Error(`this machine has no usable id: ${anchor.error.message}`);
  const { token, jwks } = await entitlementFor(anchor.anchor);
  const now = Date.now();
  const item = serializeStored({ token, mark: { seenAt: now, iat: Math.floor(now / 1000) }, refreshedAt: now, license: null, unbound: null, transfer: null });

  const dir = mkdtempSync(path.join(tmpdir(), 'hardbound-bench-startup-'));
  const stores: Array<{ label: string; secrets: SecretStore }> = [];
  try {
    const file = new FileSecretStore(dir);
    await file.set(STORED_ITEMS.entitlement, item);
    stores.push({ label: 'file store', secrets: file });
    const keychain = new KeychainSecretStore({ service: `dev.hardbound.bench.${process.pid}` });
    const problem = await keychain.probe(2_000);
    if (problem === null) {
      await keychain.set(STORED_ITEMS.entitlement, item);
      stores.push({ label: 'OS keychain', secrets: keychain });
    } else {
      console.log(`  OS keychain not measured: ${problem} (run under sh scripts/with-secret-service.sh)`);
    }

    const results = [];
    for (const { label, secrets } of stores) results.push(await measureStore(label, secrets, jwks));

    const machineId = await timed(RUNS, () => readOsMachineId());
    const check = await timed(RUNS, () => verifyEntitlement(token, { trust: { pinnedJwks: jwks, issuer: ISSUER }, anchor: anchor.anchor, now: Date.now() }));
    const bareRead = await timed(RUNS, () => readFile(path.join(file.folder, STORED_ITEMS.entitlement)));
    const raw = generateKeyPairSync('ed25519');
    const message = Buffer.from(token.split('.').slice(0, 2).join('.'));
    const signature = sign(null, message, raw.privateKey);
    const publicKey = createPublicKey(raw.publicKey.export({ format: 'pem', type: 'spki' }));
    const ed25519 = await timed(RUNS, async () => verify(null, message, publicKey, signature));
    const library = await timed(Math.min(RUNS, 20), () => nodeMachineId.machineId(true));

    for (const r of results) {
      const met = median(r.samples) <= GOAL_MEDIAN_MS;
      printTable(`start() → first published state (${r.label})`, [
        ['median', millis(median(r.samples)), `goal ≤ ${GOAL_MEDIAN_MS} ms: ${met ? 'met' : 'NOT met'}`],
        ['p90', millis(percentile(r.samples, 90))],
        ['first run of the process', millis(r.first), 'cold modules and JIT'],
        [`${r.label} read (part)`, millis(median(r.read))],
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
