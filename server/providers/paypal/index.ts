// PayPal's entry in the provider list (../available.ts): the client, the provider, and the webhook signature
// check — offline on a worker thread, or PayPal's verify API — wired once the listener's id is known.
import { paypalWebhookUrl } from '../../../common/api';
import type { ProviderContext, ProviderHandle, ProviderModule } from '../context';
import { PayPalClient } from './client';
import { PayPalProvider } from './provider';
import { TriggerResolver } from './resolve-trigger';
import { PayPalSignatureVerifier, type PayPalVerification } from './signature';
import { PayPalApiSignatureVerifier } from './signature/api-verifier';
import { SignatureWorkerPool } from './signature/signature-worker-pool';
import { PayPalWebhookPort, type PayPalSignatureCheck } from './webhook-port';

export function createPayPal(context: ProviderContext): ProviderHandle & { provider: PayPalProvider } {
  const { config, runtime, clock, metrics } = context;
  const connection = runtime.paypal;
  const client = new PayPalClient({
    baseUrl: connection.apiBase,
    clientId: connection.clientId,
    clientSecret: connection.clientSecret,
    clock,
    timeoutMs: runtime.paypalTimeoutMs ?? 15_000,
  });
  // Offline verification's RSA step runs on a worker thread, started now so the first delivery does not wait for it.
  const signatureWorker = connection.verify === 'api' ? undefined : new SignatureWorkerPool();
  signatureWorker?.start();
  let webhookId = 'id' in connection.webhook ? connection.webhook.id : '';
  // The webhook id is known only once the listener is registered, after listen(); until then nothing verifies.
  let verifier: PayPalSignatureCheck | undefined;
  const verifierRef: PayPalSignatureCheck = {
    verify: (delivery): Promise<PayPalVerification> =>
      verifier ? verifier.verify(delivery) : Promise.resolve({ ok: false, code: 'missing_header', detail: 'server starting' }),
  };
  const providerPlanId = (id: string) => config.providerPlanIds.get(id);
  const webhook = new PayPalWebhookPort({
    verifier: verifierRef,
    resolver: new TriggerResolver({ api: client, records: context.records('paypal'), providerPlanId, now: () => clock.now() }),
    clock,
    freshnessMs: config.webhookFreshnessMs,
  });
  const provider = new PayPalProvider(client, config.providerPlanIds, webhook, connection.sandboxOrigin, config.plans);
  metrics.describe('hardbound_cert_fetches_total', 'Webhook signing certificate fetches started (each an outbound request).');
  return {
    provider,
    webhookId: () => webhookId,
    async afterListen(publicUrl) {
      if ('register' in connection.webhook) {
        webhookId = await connection.webhook.register(paypalWebhookUrl(publicUrl));
        context.log.info({ webhookId }, 'registered this server as a webhook listener at the embedded sandbox');
      }
      verifier = signatureWorker === undefined
        ? new PayPalApiSignatureVerifier(client, webhookId)
        : new PayPalSignatureVerifier({
            webhookId,
            clock,
            worker: signatureWorker,
            ...(connection.sandboxOrigin ? { sandboxOrigin: connection.sandboxOrigin } : {}),
            ...(connection.trustedCaPem ? { trustedCaPem: connection.trustedCaPem } : {}),
            onCertFetch: () => metrics.inc('hardbound_cert_fetches_total'),
          });
    },
    close: async () => {
      await signatureWorker?.close();
    },
  };
}

export const paypalModule: ProviderModule = { name: 'paypal', create: createPayPal };
