// What production checks before it listens, beyond the environment's own text (server/config/env.ts): a
// signing key made by `keys generate` and no development key beside it, the PayPal account as configured
// (credentials, webhook listener, plans) and, when configured, Paystack's (secret key, plans). Each problem is one sentence; the caller prints them together.
import path from 'node:path';
import { paypalWebhookUrl } from '../common/api';
import { systemClock } from '../common/clock';
import type { ServerConfig } from '../server/config/env';
import { loadKeyRing } from '../server/entitlements';
import { PayPalAccount } from '../server/providers/paypal/account';
import { payPalProblems } from '../server/providers/paypal/preflight';
import { PaystackClient } from '../server/providers/paystack/client';
import { paystackProblems } from '../server/providers/paystack/preflight';

const PAYPAL_TIMEOUT_MS = 15_000;

export async function signingKeyProblems(dir: string, activeKid: string | null): Promise<string[]> {
  const ring = await loadKeyRing(dir, activeKid ? { activeKid } : {});
  if (!ring.ok) {
    if (ring.code === 'no_signing_key') {
      return [`no signing key in ${dir}: run \`hardbound-server keys generate\` there and pin the printed public key in the app (\`hardbound-server app-config\`)`];
    }
    return [`signing keys: ${ring.detail}`];
  }
  return ring.ring.developmentKids.map((kid) =>
    `${path.join(dir, `${kid}.private.jwk.json`)} is a development key (made by a development run, not by \`keys generate\`): move it out of ${dir}, and run \`hardbound-server keys generate\` if no other key is left`);
}

export async function payPalAccountProblems(config: ServerConfig): Promise<string[]> {
  const paypal = config.paypal;
  if (paypal.mode !== 'remote' || config.publicUrl === null) return [];
  const account = new PayPalAccount({
    baseUrl: paypal.apiBase,
    clientId: paypal.clientId,
    clientSecret: paypal.clientSecret,
    clock: systemClock,
    timeoutMs: PAYPAL_TIMEOUT_MS,
  });
  return payPalProblems(account, {
    apiBase: paypal.apiBase,
    webhookId: paypal.webhookId,
    webhookUrl: paypalWebhookUrl(config.publicUrl),
    plans: config.plans,
    providerPlanIds: config.providerPlanIds,
  });
}

export async function paystackAccountProblems(config: ServerConfig): Promise<string[]> {
  const paystack = config.paystack;
  if (paystack === null) return [];
  const client = new PaystackClient({ baseUrl: paystack.apiBase, secretKey: paystack.secretKey, timeoutMs: PAYPAL_TIMEOUT_MS });
  return paystackProblems(client, config.plans, paystack.planCodes);
}
