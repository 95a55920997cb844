// Child process of the benches: the PayPal stand-in on its own process, seeded with the server's plans as
// launch/ seeds it, so that the server under measurement has a core to itself. Prints one JSON line.
import { DEFAULT_PLANS } from '../server/config/plans';
import { sandboxPlanId, sandboxSeedPlans } from '../server/providers/paypal/sandbox-plans';
import { startSandbox } from '../sandbox/index';

// Short retries: a delivery the server refused is not left waiting for hours after the bench ends.
const sandbox = await startSandbox({ port: 0, plans: sandboxSeedPlans(DEFAULT_PLANS), retryDelaysMs: [200, 1_000] });
const planIds = DEFAULT_PLANS.filter((p) => p.billing.kind === 'recurring').map((p) => `${p.id}=${sandboxPlanId(p.id)}`);
console.log(JSON.stringify({
  baseUrl: sandbox.baseUrl,
  clientId: sandbox.credentials.clientId,
  clientSecret: sandbox.credentials.clientSecret,
  caPem: sandbox.caCertificatePem,
  planIds: planIds.join(','),
}));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sandbox.close().then(() => process.exit(0)));
}
