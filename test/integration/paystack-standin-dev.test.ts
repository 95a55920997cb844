// A development run sells through both stand-ins: GET /v1/plans names PayPal and Paystack for every plan, and a
// Paystack checkout started with the buyer's e-mail is paid on the stand-in's hosted page and completes, its
// webhooks reaching /v1/webhooks/paystack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateCheckoutResponse, PlansResponse } from '../../common/api';
import { newAnchor, payOnHostedPage, poll, startHarness, type Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ paystack: true });
});

afterAll(async () => {
  await h?.close();
});

describe('development: the Paystack stand-in beside the PayPal one', () => {
  it('GET /v1/plans lists both providers, with their names, e-mail needs and checkout hosts', async () => {
    const { body } = await h.api<PlansResponse>('GET', '/v1/plans');
    const sandboxHost = new URL(h.sandbox.baseUrl).host;
    expect(body.providers).toEqual([
      { id: 'paypal', name: 'PayPal', requiresEmail: false, checkoutHosts: expect.arrayContaining([sandboxHost]) },
      { id: 'paystack', name: 'Paystack', requiresEmail: true, checkoutHosts: [sandboxHost] },
    ]);
    expect(body.plans.map((p) => [p.id, p.providers])).toEqual([
      ['enterprise-lifetime', ['paypal', 'paystack']],
      ['enterprise-monthly', ['paypal', 'paystack']],
      ['enterprise-annual', ['paypal', 'paystack']],
    ]);
  });

  it('a Paystack checkout without the e-mail is refused; with it, paid on the stand-in page, it completes', async () => {
    const anchor = newAnchor();
    const refused = await h.api<{ error: { code: string } }>('POST', '/v1/checkouts', { body: { anchor, plan: 'enterprise-monthly', provider: 'paystack' } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'email_required' } });

    const created = await h.api<CreateCheckoutResponse>('POST', '/v1/checkouts', { body: { anchor, plan: 'enterprise-monthly', provider: 'paystack', email: 'ada@example.test' } });
    expect(created.status).toBe(201);
    expect(created.body.provider).toBe('paystack');
    expect(new URL(created.body.approveUrl).pathname).toMatch(/^\/paystack\/checkout\//);
    const back = await payOnHostedPage(created.body.approveUrl);
    expect(back.pathname).toBe('/checkout/return');
    const view = await poll(h, created.body, 10);
    expect(view.status).toBe('completed');
    if (view.status !== 'completed') return;
    expect(view.license).toMatchObject({ planId: 'enterprise-monthly', status: 'active', tier: 'enterprise', provider: 'paystack' });
    expect(view.license?.subscriptionId).toMatch(/^SUB_/);
    await h.sandbox.paystack.control.settle(10_000);
    expect(h.logs.join('')).not.toContain('ada@example.test');
  });
});
