// Paystack's entry in the provider list (../available.ts): built when PAYSTACK_SECRET_KEY is configured.
import type { ProviderContext, ProviderHandle, ProviderModule } from '../context';
import { PaystackClient } from './client';
import { PaystackProvider } from './provider';
import { PaystackResolver } from './resolve';
import { PaystackWebhookPort } from './webhook-port';
import { PAYSTACK_API_BASE } from '../../config/env';

export function createPaystack(context: ProviderContext): ProviderHandle | null {
  const settings = context.config.paystack;
  if (settings === null) return null;
  const client = new PaystackClient({ baseUrl: settings.apiBase, secretKey: settings.secretKey, timeoutMs: context.runtime.paystackTimeoutMs ?? 15_000 });
  const records = context.records('paystack');
  const planCode = (id: string) => settings.planCodes.get(id);
  const resolver = new PaystackResolver({ api: client, records, planCode, now: () => context.clock.now() });
  const webhook = new PaystackWebhookPort({ secretKey: settings.secretKey, allowedSources: settings.webhookSources, resolver });
  const base = new URL(settings.apiBase);
  // Paystack's own checkout pages, or a stand-in's, served from its API origin.
  const checkoutHosts = base.origin === PAYSTACK_API_BASE ? ['checkout.paystack.com'] : [base.host];
  return { provider: new PaystackProvider({ client, planCodes: settings.planCodes, plans: context.config.plans, records, webhook, checkoutHosts }) };
}

export const paystackModule: ProviderModule = { name: 'paystack', create: createPaystack };
