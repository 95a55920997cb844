// Where the server's PayPal comes from: the real one (credentials configured), or — in development with none
// configured — the local sandbox, started here in-process. Only one process ever starts it: a second
// development process (say, two servers on one PostgreSQL) finds the first one's sandbox answering on
// HARDBOUND_SANDBOX_PORT and uses it. launch/ is the one place allowed to wire server and sandbox.
import { systemClock } from '../common/clock';
import { SANDBOX_DEMO_CLIENT_ID, SANDBOX_DEMO_CLIENT_SECRET } from '../common/demo-values';
import type { ServerConfig } from '../server/config/env';
import { PayPalAccount } from '../server/providers/paypal/account';
import { sandboxSeedPlans } from '../server/providers/paypal/sandbox-plans';
import type { PayPalConnection } from '../server/server';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index';
import { paystackSeedPlans } from './paystack-standin';

export interface ResolvedPayPal {
  connection: PayPalConnection;
  /** The sandbox this process started (and stops), or null. */
  sandbox: Sandbox | null;
  /** The sandbox another development process started, which this one uses, or null. */
  sharedSandboxUrl: string | null;
}

export async function resolvePayPal(config: ServerConfig, sandboxOptions: SandboxOptions = {}): Promise<ResolvedPayPal> {
  const paypal = config.paypal;
  if (paypal.mode === 'remote') {
    return {
      sandbox: null,
      sharedSandboxUrl: null,
      connection: {
        apiBase: paypal.apiBase,
        clientId: paypal.clientId,
        clientSecret: paypal.clientSecret,
        webhook: { id: paypal.webhookId },
        sandboxOrigin: paypal.sandboxOrigin,
        trustedCaPem: paypal.trustedCaPem,
        verify: paypal.verify,
      },
    };
  }
  if (config.mode !== 'development') throw new Error('the embedded sandbox runs only in development mode');
  const shared = await runningSandbox(paypal.sandboxPort);
  if (shared) return { sandbox: null, sharedSandboxUrl: shared.baseUrl, connection: sandboxConnection(shared) };
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      port: paypal.sandboxPort,
      merchantName: config.brandName,
      plans: sandboxSeedPlans(config.plans),
      ...sandboxOptions,
      // The Paystack stand-in knows our recurring plans too (launch/paystack-standin.ts sells through it).
      paystack: { plans: paystackSeedPlans(config.plans), ...sandboxOptions.paystack },
    });
  } catch (error) {
    // Two development processes starting at once: the other one's sandbox took the port first.
    const other = (error as { code?: string }).code === 'EADDRINUSE' ? await runningSandbox(paypal.sandboxPort) : null;
    if (other) return { sandbox: null, sharedSandboxUrl: other.baseUrl, connection: sandboxConnection(other) };
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new Error(`HARDBOUND_SANDBOX_PORT ${paypal.sandboxPort} is taken by something that is not a Hardbound sandbox; set another port`, { cause: error });
    }
    throw error;
  }
  return {
    sandbox,
    sharedSandboxUrl: null,
    connection: sandboxConnection({ baseUrl: sandbox.baseUrl, caPem: sandbox.caCertificatePem, ...sandbox.credentials }),
  };
}

interface SandboxAccess {
  baseUrl: string;
  caPem: string;
  clientId: string;
  clientSecret: string;
}

function sandboxConnection(sandbox: SandboxAccess): PayPalConnection {
  const account = new PayPalAccount({
    baseUrl: sandbox.baseUrl,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    clock: systemClock,
    timeoutMs: 10_000,
  });
  return {
    apiBase: sandbox.baseUrl,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    // Every event type, not only those acted on: a developer sees the rest arrive as "ignored". Each process
    // registers its own listener, so with a shared sandbox every process is sent every event; the inbox makes
    // the second delivery of an event a duplicate.
    webhook: { register: async (url) => (await account.createWebhook(url, ['*'], `hardbound-dev-${url}`)).id },
    sandboxOrigin: sandbox.baseUrl,
    trustedCaPem: sandbox.caPem,
  };
}

/** The Hardbound sandbox already answering on this loopback port (another development process's), or null. */
async function runningSandbox(port: number): Promise<SandboxAccess | null> {
  if (port === 0) return null;
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    const res = await fetch(`${baseUrl}/__sandbox/webhooks/cert`, { signal: AbortSignal.timeout(2_000) });
    if (res.status !== 200) return null;
    const body = (await res.json()) as { ca_pem?: unknown };
    if (typeof body.ca_pem !== 'string' || !body.ca_pem.includes('BEGIN CERTIFICATE')) return null;
    // The first process started it with the sandbox's demo credentials (resolvePayPal passes none).
    return { baseUrl, caPem: body.ca_pem, clientId: SANDBOX_DEMO_CLIENT_ID, clientSecret: SANDBOX_DEMO_CLIENT_SECRET };
  } catch {
    return null;
  }
}
