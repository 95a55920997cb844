// `hardbound-server` (npm run server, npx hardbound-server): serve, keys generate, support tokens and lookups.
import path from 'node:path';
import { systemClock } from '../common/clock';
import { configFromEnv, type ServerConfig } from '../server/config/env';
import { ensureDevKeys, generateSigningKey } from '../server/entitlements';
import { openStore } from '../server/store/database';
import { startServer } from '../server/server';
import { SupportService } from '../server/support/service';
import { resolvePayPal } from './paypal-connection';

const USAGE = `usage: hardbound-server [serve]
       hardbound-server keys generate [--dir DIR]
       hardbound-server support token create --name NAME
       hardbound-server support token revoke --name NAME
       hardbound-server support lookup ID
Configuration comes from the environment (see README, "Configuration").`;

function loadConfig(): ServerConfig {
  const result = configFromEnv(process.env);
  if ('problems' in result) {
    console.error(`hardbound-server: the configuration has ${result.problems.length} problem(s):\n${result.problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(2);
  }
  return result.config;
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

async function serve(): Promise<void> {
  const config = loadConfig();
  const paypal = await resolvePayPal(config);
  const server = await startServer(config, { paypal: paypal.connection });
  console.log(`Hardbound server listening at ${server.url} (public URL ${server.publicUrl})`);
  console.log(paypal.sandbox
    ? `  PayPal: local sandbox at ${paypal.sandbox.baseUrl} (no PayPal credentials configured); webhook ${server.webhookId} registered there`
    : `  PayPal: ${config.paypal.mode === 'remote' ? config.paypal.apiBase : ''}`);
  console.log(`  store: ${config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'PostgreSQL'}`);
  const stop = async () => {
    await server.close();
    await paypal.sandbox?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

type SupportCommand = { kind: 'token-create'; name: string } | { kind: 'token-revoke'; name: string } | { kind: 'lookup'; id: string };

/** Recognised before any configuration or store is touched, so a mistyped command is a usage error (exit 2). */
function parseSupportCommand(args: string[]): SupportCommand | null {
  const name = option(args, '--name');
  if (args[0] === 'token' && args[1] === 'create' && name) return { kind: 'token-create', name };
  if (args[0] === 'token' && args[1] === 'revoke' && name) return { kind: 'token-revoke', name };
  if (args[0] === 'lookup' && args[1]) return { kind: 'lookup', id: args[1] };
  return null;
}

async function supportCommand(command: SupportCommand): Promise<void> {
  const config = loadConfig();
  const store = await openStore({ url: config.databaseUrl });
  try {
    await store.migrate();
    const keys = await ensureDevKeys(path.join(config.dataDir, 'keys'));
    if (!keys.ok) throw new Error(keys.detail);
    const support = new SupportService({
      store,
      clock: systemClock,
      grant: { authority: { keyRing: keys.ring, issuer: config.issuer }, pastDueGraceMs: config.pastDueGraceMs, refreshWindowMs: config.entitlementTtlMs, plans: config.plans },
      checkouts: { applyEvents: () => Promise.reject(new Error('revoke through the HTTP API, where the running server applies it')) },
    });
    if (command.kind === 'token-create') {
      const token = await support.createToken(command.name);
      console.log(`Support token for ${command.name} (shown once; store it in your password manager):\n${token}`);
    } else if (command.kind === 'token-revoke') {
      const revoked = await support.revokeToken(command.name, `cli:${process.env.USER ?? 'unknown'}`);
      console.log(revoked ? `Support token for ${command.name} revoked.` : `No live support token named ${command.name}.`);
      if (!revoked) process.exitCode = 1;
    } else {
      const actor = `cli:${process.env.USER ?? 'unknown'}`;
      console.log(JSON.stringify(await support.lookup(command.id, actor), null, 2));
    }
  } finally {
    await store.close();
  }
}

async function main(args: string[]): Promise<void> {
  const [command = 'serve', ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command === 'serve') return serve();
  if (command === 'keys' && rest[0] === 'generate') {
    const dir = option(rest, '--dir') ?? path.join(loadConfig().dataDir, 'keys');
    const jwk = await generateSigningKey(dir);
    console.log(`New Ed25519 signing key in ${dir} (private key file mode 0600). Public JWK — pin it in the app:`);
    console.log(JSON.stringify(jwk, null, 2));
    return;
  }
  const support = command === 'support' ? parseSupportCommand(rest) : null;
  if (support) return supportCommand(support);
  console.error(USAGE);
  process.exit(2);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`hardbound-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
