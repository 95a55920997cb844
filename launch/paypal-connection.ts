// Where the server's PayPal comes from: the real one (credentials configured), or — with none configured —
// the local sandbox, started here in-process. launch/ is the one place allowed to wire server and sandbox.
import type { ServerConfig } from '../server/config/env';
import { sandboxSeedPlans } from '../server/providers/paypal/sandbox-plans';
import type { PayPalConnection } from '../server/server';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/index';

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
        webhookId: paypal.webhookId,
        sandboxOrigin: paypal.sandboxOrigin,
        trustedCaPem: paypal.trustedCaPem,
        verify: paypal.verify,
      },
    };
  }
  const sandbox = await startSandbox({
    port: paypal.sandboxPort,
    merchantName: config.brandName,
    plans: sandboxSeedPlans(config.plans),
    ...sandboxOptions,
  });
  return {
    sandbox,
    connection: {
      apiBase: sandbox.baseUrl,
      clientId: sandbox.credentials.clientId,
      clientSecret: sandbox.credentials.clientSecret,
      webhookId: 'register',
      sandboxOrigin: sandbox.baseUrl,
      trustedCaPem: sandbox.caCertificatePem,
    },
  };
}
