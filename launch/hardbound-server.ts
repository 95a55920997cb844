// `hardbound-server` (npx hardbound-server; npm run server is `serve --mode development`): serve, keys
// generate, paypal setup, support tokens and lookups.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { systemClock } from '../common/clock';
import { configFromEnv, keysDirFromEnv, paypalSetupSettingsFromEnv, SERVER_MODES, type ServerConfig, type ServerMode } from '../server/config/env';
import { generateSigningKey } from '../server/entitlements';
import { PayPalAccount } from '../server/providers/paypal/account';
import { isPayPalApiError } from '../server/providers/paypal/errors';
import { DEFAULT_PRODUCT_ID, PRODUCT_ID_PATTERN, setUpPayPal } from '../server/providers/paypal/setup';
import { openStore } from '../server/store/database';
import { startServer } from '../server/server';
import { createSupportToken, revokeSupportToken } from '../server/support/service';
import { resolvePayPal } from './paypal-connection';
import { sellThroughStandIns } from './paystack-standin';
import { payPalAccountProblems, paystackAccountProblems, signingKeyProblems } from './production-check';
import { releaseAppConfig } from './release-app-config';
import { apiTarget, operatorName, parseSupportCommand, runAction, runLookup, SupportUsageError, type SupportCommand } from './support-cli';

const USAGE = `usage: hardbound-server [serve [--mode development|production]]
       hardbound-server keys generate [--dir DIR]
       hardbound-server paypal setup [--dry-run] [--product-id ID]
       hardbound-server app-config --server-url URL [--out FILE] [--app-salt SALT] [--issuer ISSUER]
       hardbound-server support token create --name NAME [--role read|act]
       hardbound-server support token revoke --name NAME [--actor WHO]
       hardbound-server support lookup ID [--reason WHY]
       hardbound-server support refund|cancel|revoke|restore|reissue LICENSE_ID --reason WHY
       hardbound-server support cancel LICENSE_ID --reason WHY [--access-until period_end|now]
       hardbound-server support transfer LICENSE_ID --to MACHINE_CODE --reason WHY
  lookups and actions: [--actor WHO] [--json] [--server URL] [--token-file FILE]; the token is read from
  HARDBOUND_SUPPORT_TOKEN (or --token-file), the server from --server, HARDBOUND_SUPPORT_SERVER or HARDBOUND_PUBLIC_URL
serve runs in production unless HARDBOUND_MODE=development (or --mode development) is set.
Configuration comes from the environment (see README, "Configuration" and "Deployment").`;

class UsageError extends Error {}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

function modeOption(args: string[]): ServerMode | undefined {
  const raw = option(args, '--mode');
  if (raw === undefined) return undefined;
  if (!(SERVER_MODES as readonly string[]).includes(raw)) throw new UsageError(`--mode must be development or production, got "${raw}"`);
  return raw as ServerMode;
}

function refuse(heading: string, problems: string[], footer?: string): never {
  const list = problems.map((p) => `  - ${p}`).join('\n');
  console.error(`hardbound-server: ${heading}${problems.length} problem(s):\n${list}${footer ? `\n${footer}` : ''}`);
  process.exit(2);
}

function loadConfig(mode?: ServerMode): ServerConfig {
  const result = configFromEnv(process.env, process.cwd(), mode ? { mode } : {});
  if ('problems' in result) refuse('the configuration has ', result.problems);
  return result.config;
}

/** Production's refusal names every problem found, the environment's and those only a file or PayPal shows. */
async function serveConfig(mode: ServerMode | undefined): Promise<ServerConfig> {
  const development = (mode ?? process.env.HARDBOUND_MODE) === 'development';
  if (development) return loadConfig('development');
  const result = configFromEnv(process.env, process.cwd(), mode ? { mode } : {});
  const problems = 'problems' in result ? [...result.problems] : [];
  problems.push(...(await signingKeyProblems(keysDirFromEnv(process.env), process.env.HARDBOUND_SIGNING_KID || null)));
  if ('config' in result) problems.push(...(await payPalAccountProblems(result.config)), ...(await paystackAccountProblems(result.config)));
  else problems.push('PayPal was not asked: the settings above come first');
  if (problems.length > 0 || !('config' in result)) {
    refuse('refusing to start in production mode: the configuration has ', problems, 'HARDBOUND_MODE=development runs the embedded sandbox with development keys instead; see README, "Deployment".');
  }
  return result.config;
}

async function serve(args: string[]): Promise<void> {
  const config = await serveConfig(modeOption(args));
  const paypal = await resolvePayPal(config);
  const selling = sellThroughStandIns(config, paypal.sandbox);
  const server = await startServer(selling.config, { paypal: paypal.connection });
  selling.afterListen(server.publicUrl);
  console.log(`Hardbound server listening at ${server.url} (public URL ${server.publicUrl})`);
  console.log(config.mode === 'production'
    ? '  mode: production (PayPal credentials, webhook and plans checked; signing key from `keys generate`)'
    : '  mode: development — may run the embedded sandbox and generate development keys; never sell in this mode');
  if (paypal.sharedSandboxUrl) {
    console.log(`  PayPal: the local sandbox another development process started at ${paypal.sharedSandboxUrl} (not started again here; it stops with that process); webhook ${server.webhookId} registered there`);
  } else if (paypal.sandbox) {
    console.log(`  PayPal: local sandbox at ${paypal.sandbox.baseUrl} (no PayPal credentials configured); webhook ${server.webhookId} registered there`);
    if (selling.config.paystack?.apiBase === paypal.sandbox.paystack.baseUrl) {
      console.log(`  Paystack: the sandbox's stand-in at ${paypal.sandbox.paystack.baseUrl} (no PAYSTACK_SECRET_KEY configured; control API under ${paypal.sandbox.baseUrl}/__sandbox/paystack/)`);
    }
  } else if (config.paypal.mode === 'remote') {
    const standIn = config.paypal.sandboxOrigin ? ` (PAYPAL_SANDBOX_ORIGIN: certificates of ${config.paypal.sandboxOrigin} trusted)` : '';
    console.log(`  PayPal: ${config.paypal.apiBase}, webhook ${server.webhookId}${standIn}`);
  }
  if (server.metricsUrl) console.log(`  metrics: ${server.metricsUrl} (HARDBOUND_METRICS_ADDRESS)`);
  console.log(`  store: ${config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'PostgreSQL'}`);
  const stop = async () => {
    await server.close();
    await paypal.sandbox?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

async function paypalSetup(args: string[]): Promise<void> {
  const productId = option(args, '--product-id') ?? DEFAULT_PRODUCT_ID;
  if (!PRODUCT_ID_PATTERN.test(productId)) throw new UsageError('--product-id must be 6-50 letters, digits, "-" or "_"');
  const dryRun = args.includes('--dry-run');
  const loaded = paypalSetupSettingsFromEnv(process.env);
  if ('problems' in loaded) refuse('paypal setup: the configuration has ', loaded.problems);
  const settings = loaded.settings;
  const account = new PayPalAccount({ baseUrl: settings.apiBase, clientId: settings.clientId, clientSecret: settings.clientSecret, clock: systemClock, timeoutMs: 30_000 });
  console.log(`PayPal set-up at ${settings.apiBase} for ${settings.publicUrl}${dryRun ? ' (dry run: nothing is changed)' : ''}`);
  let report;
  try {
    report = await setUpPayPal(account, { publicUrl: settings.publicUrl, plans: settings.plans, brandName: settings.brandName, productId, dryRun });
  } catch (error) {
    if (isPayPalApiError(error, 'provider_rejected') && error.status === 401) {
      throw new Error(`PayPal refused PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET at ${settings.apiBase} (${error.message})`);
    }
    throw error;
  }
  for (const step of report.steps) {
    console.log(`  ${step.action.padEnd(12)} ${step.subject}${step.id ? `: ${step.id}` : ''}${step.note ? ` — ${step.note}` : ''}`);
  }
  console.log(report.changes ? (dryRun ? '\nA real run would make the changes above.' : '\nDone.') : '\nNothing to change: PayPal is set up for this server.');
  console.log('Put these lines in the server\'s environment (beside PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET, PAYPAL_API_BASE):\n');
  for (const line of report.env) console.log(line);
}

async function appConfig(args: string[]): Promise<void> {
  const serverUrl = option(args, '--server-url');
  if (!serverUrl) throw new UsageError('app-config needs --server-url (the deployed server\'s public URL)');
  const out = path.resolve(option(args, '--out') ?? path.join('build', 'hardbound.config.json'));
  const existingText = await readFile(out, 'utf8').catch(() => null);
  const result = await releaseAppConfig({
    serverUrl,
    issuer: option(args, '--issuer') ?? (process.env.HARDBOUND_ISSUER || 'hardbound'),
    appSalt: option(args, '--app-salt') ?? null,
    existingText,
  });
  if (!result.ok) throw new Error(result.problem);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result.config, null, 2)}\n`);
  const kids = result.config.pinnedJwks.keys.map((k) => k.kid).join(', ');
  console.log(`Wrote ${out}: server ${result.config.serverUrl}, issuer ${result.config.issuer}, pinned keys ${kids}.`);
  console.log({
    given: 'App salt as given.',
    kept: 'App salt kept from the existing file.',
    generated: 'App salt generated: keep this file (or the salt) for every future release; a new salt changes every anchor and strands every license.',
  }[result.saltSource]);
}

async function supportCommand(command: SupportCommand): Promise<void> {
  const print = (line: string) => console.log(line);
  if (command.kind === 'lookup') return runLookup(await apiTarget(command.common, process.env), command, print);
  if (command.kind === 'act') return runAction(await apiTarget(command.common, process.env), command, print);
  const config = loadConfig();
  const store = await openStore({ url: config.databaseUrl, poolSize: config.databasePoolSize });
  try {
    await store.migrate();
    if (command.kind === 'token-create') {
      const token = await createSupportToken(store, systemClock, command.name, command.role);
      console.log(`Support token for ${command.name}, ${command.role === 'act' ? 'acting (look up and act)' : 'read-only'} (shown once; store it in your password manager):\n${token}`);
    } else {
      const revoked = await revokeSupportToken(store, systemClock, command.name, operatorName(command.actor));
      console.log(revoked ? `Support token for ${command.name} revoked; its console sessions have ended.` : `No live support token named ${command.name}.`);
      if (!revoked) process.exitCode = 1;
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
  if (command === 'serve') return serve(rest);
  if (command === 'keys' && rest[0] === 'generate') {
    const dir = option(rest, '--dir') ?? keysDirFromEnv(process.env);
    const jwk = await generateSigningKey(dir);
    console.log(`New Ed25519 signing key in ${dir} (private key file mode 0600). Public JWK — pin it in the app:`);
    console.log(JSON.stringify(jwk, null, 2));
    return;
  }
  if (command === 'paypal' && rest[0] === 'setup') return paypalSetup(rest.slice(1));
  if (command === 'app-config') return appConfig(rest);
  const support = command === 'support' ? parseSupportCommand(rest) : null;
  if (support) return supportCommand(support);
  throw new UsageError('');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof SupportUsageError) {
    console.error(error.message ? `hardbound-server: ${error.message}\n${USAGE}` : USAGE);
    process.exit(2);
  }
  console.error(`hardbound-server: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
