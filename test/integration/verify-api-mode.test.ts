// PAYPAL_VERIFY_MODE=api: signatures are checked by PayPal's verify-webhook-signature API (the sandbox's).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCheckout, newAnchor, poll, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ verify: 'api' });
});
afterAll(async () => {
  await h?.close();
});

it('completes a purchase through webhooks verified by the API', async () => {
  const c = await createCheckout(h, newAnchor());
  h.sandbox.control.approveOrder(new URL(c.approveUrl).searchParams.get('token')!);
  const view = await poll(h, c, 20);
  expect(view.status).toBe('completed');
  expect(h.server.metrics.get('hardbound_webhooks_total', { provider: 'paypal', outcome: 'applied' })).toBeGreaterThan(0);
});

it('rejects a delivery whose signature the API does not confirm', async () => {
  const res = await h.api<{ error: { code: string } }>('POST', '/v1/webhooks/paypal', {
    body: '{"id":"WH-1","event_type":"PAYMENT.CAPTURE.COMPLETED"}',
    headers: {
      'paypal-auth-algo': 'SHA256withRSA',
      'paypal-cert-url': `${h.sandbox.baseUrl}/v1/notifications/certs/CERT-nope`,
      'paypal-transmission-id': '69cd13f0-d67a-11e5-baa3-778b53f4ae55',
      'paypal-transmission-sig': Buffer.alloc(256, 1).toString('base64'),
      'paypal-transmission-time': new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    },
  });
  expect(res.status).toBe(401);
  expect(res.body.error.code).toBe('bad_signature');
});
