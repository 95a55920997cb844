// Where the server's PayPal comes from: the real one (credentials configured), or — in development with none
// configured — the local sandbox, started here in-process. launch/ is the one place allowed to wire server and
// sandbox.
import { systemClock } from '../common/clock';
import type { ServerConfig } from '../server/config/env';
import { PayPalAccount } from '../server/providers/paypal/account';
import { sandboxSeedPlans } from '../server/providers/paypal/sandbox-plans';
import type { PayPalConnection } from '../server/server';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index';
import { paystackSeedPlans } from './paystack-standin';

export interface ResolvedPayPal {
  connection: PayPalConnection;
  sandbox: Sandbox | null;
}

export async function resolvePayPal(config: ServerConfig, sandboxOptions: SandboxOptions = {}): Promise<ResolvedPayPal> {
  const paypal = config.paypal;
  if (paypal.mode === 'remote') {
    return {
      sandbox: null,
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
  const sandbox = await startSandbox({
    port: paypal.sandboxPort,
    merchantName: config.brandName,
    plans: sandboxSeedPlans(config.plans),
    ...sandboxOptions,
    // The Paystack stand-in knows our recurring plans too (launch/paystack-standin.ts sells through it).
    paystack: { plans: paystackSeedPlans(config.plans), ...sandboxOptions.paystack },
  });
  const account = new PayPalAccount({
    baseUrl: sandbox.baseUrl,
    clientId: sandbox.credentials.clientId,
    clientSecret: sandbox.credentials.clientSecret,
    clock: systemClock,
    timeoutMs: 10_000,
  });
  return {
    sandbox,
    connection: {
      apiBase: sandbox.baseUrl,
      clientId: sandbox.credentials.clientId,
      clientSecret: sandbox.credentials.clientSecret,
      // Every event type, not only those acted on: a developer sees the rest arrive as "ignored".
      webhook: { register: async (url) => (await account.createWebhook(url, ['*'], `hardbound-dev-${url}`)).id },
      sandboxOrigin: sandbox.baseUrl,
      trustedCaPem: sandbox.caCertificatePem,
    },
  };
}
