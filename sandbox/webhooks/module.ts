// Webhooks as PayPal runs them: listener registration, PayPal-exact signing with a certificate of the sandbox's
// own CA, at-least-once delivery with retries and faults, the Events API and the verify API.
import type { SandboxContext } from '../context';
import { ids } from '../ids';
import type { SandboxModule } from '../module';
import { createSigningCertificates } from './ca';
import { CERTS_PATH, registerCertRoute } from './certs-route';
import { createWebhooksControl, type WebhooksControl } from './control';
import { registerControlRoutes } from './control-routes';
import { Delivery } from './delivery';
import { registerEventRoutes } from './events-routes';
import { registerListenerRoutes } from './listeners-routes';
import { TransmissionSigner } from './signer';
import { registerVerifyRoute } from './verify-route';

export type { DeliverEventOptions, DeliveryFaults, WebhooksControl } from './control';

export async function webhooksModule(ctx: SandboxContext): Promise<SandboxModule<WebhooksControl>> {
  const certs = await createSigningCertificates(ctx.clock.now());
  const certId = ids.cert();
  const certUrl = (): string => `${ctx.baseUrl}${CERTS_PATH}/${certId}`;
  const signer = new TransmissionSigner(certs.leafKey, certs.leafPem, certUrl);
  const delivery = new Delivery(ctx, signer);

  const explicitTargets = new Map<string, readonly string[]>();
  ctx.onEvent((event) => {
    const targets = explicitTargets.get(event.id);
    explicitTargets.delete(event.id);
    delivery.deliver(event, targets);
  });

  const control = createWebhooksControl(ctx, delivery, { caPem: certs.caPem, certUrl }, explicitTargets);
  return {
    routes: (app) => {
      registerCertRoute(app, certId, certs.leafPem + certs.caPem);
      registerListenerRoutes(app, ctx);
      registerEventRoutes(app, ctx, delivery);
      registerVerifyRoute(app, signer, certUrl);
      registerControlRoutes(app, control);
    },
    control,
    close: () => delivery.close(),
  };
}
