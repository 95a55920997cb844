// The `hardbound-server` command line, run as a real process on a temp data folder: keys, support tokens and
// lookups, serve (good and bad configuration, SIGTERM), usage errors, and `npx hardbound-server` in the repo.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutView, CreateCheckoutResponse, JwksResponse, SupportActionResponse, SupportLookupResponse } from '../../common/api';
import { ensureDevKeys } from '../../server/entitlements';
import { openStore } from '../../server/store/database';
import * as audit from '../../server/store/audit';
import { newAnchor, payOnHostedPage } from './harness';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const ENTRY = 'launch/hardbound-server.ts';
/** Per process; a cold tsx start of the whole server takes seconds on a busy machine. */
const TIMEOUT_MS = 45_000;
// The serve test starts about ten such processes one after another (measured 70–120 s on a loaded machine).
const TEST_TIMEOUT_MS = 300_000;

let dataDir: string;
let serving: ChildProcess | undefined;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'hardbound-cli-'));
});
afterAll(() => {
  if (serving && serving.exitCode === null) serving.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The parent's environment without any Hardbound or PayPal setting, plus a private data folder. */
function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HARDBOUND_|PAYPAL_|DATABASE_URL$)/.test(k)));
  return { ...clean, HARDBOUND_MODE: 'development', HARDBOUND_DATA_DIR: dataDir, HARDBOUND_PORT: '0', HARDBOUND_SANDBOX_PORT: '0', USER: 'carol', ...extra };
}

interface Ran { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function start(command: string, args: string[], extraEnv: Record<string, string> = {}): { child: ChildProcess; done: Promise<Ran>; stdout: () => string } {
  const child = spawn(command, args, { cwd: ROOT, env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  const done = new Promise<Ran>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done, stdout: () => stdout };
}

const cli = (args: string[], extraEnv?: Record<string, string>) => start(TSX, [ENTRY, ...args], extraEnv).done;
const json = <T>(text: string): T => JSON.parse(text.slice(text.indexOf('{'))) as T;
const lastLine = (text: string) => text.trim().split('\n').at(-1)!.trim();

async function withStore<T>(fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore({ url: `sqlite:${path.join(dataDir, 'hardbound.db')}` });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe.sequential('hardbound-server on one data folder', { timeout: TEST_TIMEOUT_MS }, () => {
  let kid: string;
  let aliceToken: string;
  let ritaToken: string;
  let licenseId: string;

  it('keys generate prints the public JWK and writes the private key with mode 0600', async () => {
    const ran = await cli(['keys', 'generate']);
    expect(ran.code, ran.stderr).toBe(0);
    const jwk = json<Record<string, string>>(ran.stdout);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(jwk.d).toBeUndefined();
    kid = jwk.kid!;
    const file = path.join(dataDir, 'keys', `${kid}.private.jwk.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dataDir, 'keys')).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(stored.x).toBe(jwk.x);
    expect(stored.d).toMatch(/^[\w-]{43}$/);
  });

  it('support token create prints the token once and keeps only its hash; read-only unless --role act', async () => {
    const ran = await cli(['support', 'token', 'create', '--name', 'alice', '--role', 'act']);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('acting (look up and act)');
    aliceToken = lastLine(ran.stdout);
    expect(aliceToken).toMatch(/^hbs_[\w-]{43}$/);
    const reader = await cli(['support', 'token', 'create', '--name', 'rita']);
    expect(reader.stdout).toContain('read-only');
    ritaToken = lastLine(reader.stdout);
    const rows = await withStore((store) => store.db.selectFrom('supportTokens').selectAll().orderBy('name').execute());
    expect(rows.map((r) => [r.name, r.role])).toEqual([['alice', 'act'], ['rita', 'read']]);
    expect(JSON.stringify(rows)).not.toContain(aliceToken);
    expect(readFileSync(path.join(dataDir, 'hardbound.db')).includes(aliceToken)).toBe(false);
  });

  it('serve prints its URL, answers /healthz, signs with the generated key, honours the token; the CLI looks up and acts through it; stops on SIGTERM', async () => {
    const run = start(TSX, [ENTRY, 'serve']);
    serving = run.child;
    const deadline = Date.now() + TIMEOUT_MS;
    let url: string | undefined;
    while (!(url = /Hardbound server listening at (http:\/\/[\d.:]+)[^]*\n {2}store: /.exec(run.stdout())?.[1])) {
      if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`serve did not start: ${run.stdout()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(run.stdout()).toMatch(/PayPal: local sandbox at http:\/\/127\.0\.0\.1:\d+/);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const jwks = (await (await fetch(`${url}/.well-known/hardbound/jwks.json`)).json()) as JwksResponse;
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid]);

    const anchor = newAnchor();
    const created = await fetch(`${url}/v1/checkouts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ anchor, plan: 'enterprise-lifetime' }) });
    const checkout = (await created.json()) as CreateCheckoutResponse;
    await payOnHostedPage(checkout.approveUrl);
    const view = (await (await fetch(`${url}/v1/checkouts/${checkout.checkoutId}?wait=20`, { headers: { authorization: `Bearer ${checkout.pollToken}` } })).json()) as CheckoutView;
    if (view.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(view)}`);
    expect(view.entitlement.token.split('.')[0]).toBe(Buffer.from(JSON.stringify({ alg: 'EdDSA', kid, typ: 'hardbound-entitlement+jwt' })).toString('base64url'));
    licenseId = view.license.id;
    const txn = view.license.transactionId!;

    const lookup = (token: string) => fetch(`${url}/v1/support/lookup?q=${licenseId}`, { headers: { authorization: `Bearer ${token}` } });
    const asAlice = await lookup(aliceToken);
    expect(asAlice.status).toBe(200);
    expect(((await asAlice.json()) as SupportLookupResponse).licenses[0]?.anchor).toBe(anchor);
    expect((await lookup(`${aliceToken.slice(0, -1)}${aliceToken.endsWith('A') ? 'B' : 'A'}`)).status).toBe(401);

    // The CLI's lookups and actions go through this server's API, as the token's holder.
    const asCli = (args: string[], token = aliceToken) => cli(['support', ...args, '--server', url!], { HARDBOUND_SUPPORT_TOKEN: token });
    const human = await asCli(['lookup', ` ${txn.toLowerCase()} `, '--reason', 'ticket #9']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`1 license for ${txn}:`);
    expect(human.stdout).toMatch(new RegExp(`${licenseId}\\s+Enterprise, active`));
    const asJson = await asCli(['lookup', licenseId, '--json', '--actor', 'alice-at-desk']);
    expect(json<SupportLookupResponse>(asJson.stdout).licenses.map((l) => [l.id, l.status, l.tier])).toEqual([[licenseId, 'active', 'enterprise']]);
    const refused = await asCli(['reissue', licenseId, '--reason', 'lost keychain'], ritaToken);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is read-only: .* \(403 forbidden\)/);
    const reissued = await asCli(['reissue', licenseId, '--reason', 'lost keychain']);
    expect(reissued.code, reissued.stderr).toBe(0);
    expect(reissued.stdout).toContain('Send the customer:');
    expect(reissued.stdout).toContain('Have a license token from support?');
    const refund = await asCli(['refund', licenseId, '--reason', 'customer asked', '--json', '--actor', 'alice-at-desk']);
    expect(refund.code, refund.stderr).toBe(0);
    expect(json<SupportActionResponse>(refund.stdout).license.status).toBe('refunded');
    const noReason = await asCli(['revoke', licenseId]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('needs --reason');
    const noToken = await cli(['support', 'lookup', licenseId, '--server', url]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('HARDBOUND_SUPPORT_TOKEN');

    const trail = await withStore((store) => audit.listForTarget(store.db, licenseId));
    expect(trail.map((a) => [a.actor, a.action, a.reason])).toEqual([
      ['alice', 'lookup', 'search by license id'],
      ['alice', 'lookup', 'ticket #9'],
      ['alice-at-desk (token alice)', 'lookup', 'search by license id'],
      ['alice', 'reissue', 'lost keychain'],
      ['alice-at-desk (token alice)', 'refund', 'customer asked'],
    ]);

    run.child.kill('SIGTERM');
    const ran = await run.done;
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.signal).toBeNull();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('support token revoke ends a token and is audited, naming the operator even without $USER; revoking it again says there is none', async () => {
    const ran = await cli(['support', 'token', 'revoke', '--name', 'alice'], { USER: '' });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/revoked/);
    const row = await withStore((store) => store.db.selectFrom('supportTokens').selectAll().where('name', '=', 'alice').executeTakeFirstOrThrow());
    expect(row.revokedAt).not.toBeNull();
    const rows = await withStore((store) => audit.listForTarget(store.db, 'support-token:alice'));
    expect(rows.map((r) => r.action)).toEqual(['revoke-support-token']);
    expect(rows[0]!.actor).toMatch(/^cli:(?!unknown)\S+$/);
    const again = await cli(['support', 'token', 'revoke', '--name', 'alice', '--actor', 'carol']);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/No live support token/);
  });
});

describe('hardbound-server refusing to start', { timeout: TEST_TIMEOUT_MS }, () => {
  it('serve with bad configuration exits 2 with one message naming every problem', async () => {
    const ran = await cli(['serve'], { HARDBOUND_PORT: 'abc', DATABASE_URL: 'mysql://x', PAYPAL_CLIENT_ID: 'id-only' });
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr.match(/configuration has \d+ problem/g)).toHaveLength(1);
    for (const name of ['HARDBOUND_PORT', 'DATABASE_URL', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID']) expect(ran.stderr).toContain(name);
  });

  it('serve without HARDBOUND_MODE is production: it refuses a demo set-up in one message naming every problem', async () => {
    const fresh = mkdtempSync(path.join(tmpdir(), 'hardbound-cli-production-'));
    try {
      const ran = await cli(['serve'], { HARDBOUND_MODE: '', HARDBOUND_DATA_DIR: fresh, HARDBOUND_PUBLIC_URL: 'http://shop.example' });
      expect(ran.code).toBe(2);
      expect(ran.stdout).toBe('');
      expect(ran.stderr.match(/refusing to start in production mode: the configuration has 5 problem\(s\)/g)).toHaveLength(1);
      for (const sentence of [
        'production needs PayPal: set PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID',
        'HARDBOUND_PUBLIC_URL="http://shop.example" must be https in production',
        'HARDBOUND_BRAND_NAME must be your own name',
        `no signing key in ${path.join(fresh, 'keys')}: run \`hardbound-server keys generate\``,
        'PayPal was not asked',
      ]) expect(ran.stderr).toContain(sentence);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('production refuses a development key (one a development run generated), naming its file', async () => {
    const fresh = mkdtempSync(path.join(tmpdir(), 'hardbound-cli-devkey-'));
    try {
      const dev = await ensureDevKeys(path.join(fresh, 'keys'));
      if (!dev.ok || !dev.generated) throw new Error('no development key was generated');
      const ran = await cli(['serve', '--mode', 'production'], { HARDBOUND_DATA_DIR: fresh });
      expect(ran.code).toBe(2);
      expect(ran.stderr).toContain(`${path.join(fresh, 'keys', `${dev.generated.kid}.private.jwk.json`)} is a development key (made by a development run, not by \`keys generate\`)`);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('support token commands check the configuration the same way', async () => {
    const ran = await cli(['support', 'token', 'create', '--name', 'x'], { DATABASE_URL: 'mysql://x' });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('DATABASE_URL');
  });

  it('an unknown or incomplete command prints the usage and exits 2; --help prints it and exits 0', async () => {
    // One after the other: each is a cold start of the whole module graph, and CPUs may be few.
    for (const args of [['frobnicate'], ['support', 'token', 'create']]) {
      const ran = await start(process.execPath, ['bin/hardbound-server.js', ...args]).done;
      expect(ran.code, args.join(' ')).toBe(2);
      expect(ran.stderr).toMatch(/^usage: hardbound-server/);
      expect(ran.stdout).toBe('');
    }
    const help = await start(process.execPath, ['bin/hardbound-server.js', '--help']).done;
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: hardbound-server/);
  });

  it('npx hardbound-server runs the package\'s own bin from the repository root (never the registry: --no)', async () => {
    const dir = path.join(dataDir, 'npx-keys');
    const ran = await start('npx', ['--no', 'hardbound-server', 'keys', 'generate', '--dir', dir]).done;
    expect(ran.code, ran.stderr).toBe(0);
    const jwk = json<{ kid: string }>(ran.stdout);
    expect(statSync(path.join(dir, `${jwk.kid}.private.jwk.json`)).mode & 0o777).toBe(0o600);
  });
});
