// A plan priced in a currency without decimals (JPY) sells end to end: the plans file's "4900.00" is written as
// PayPal takes it ("4900"); the sandbox, like PayPal, refuses decimals in JPY with DECIMALS_NOT_SUPPORTED.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutView } from '../../common/api';
import { createCheckout, newAnchor, payOnHostedPage, paypalApi, poll, startHarness, type Harness } from './harness';

let h: Harness;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'hardbound-jpy-'));
  const plans = path.join(dir, 'plans.json');
  writeFileSync(plans, JSON.stringify([
    { id: 'enterprise-lifetime-jpy', name: 'Enterprise (lifetime, JPY)', tier: 'enterprise', price: '4900.00', currency: 'JPY', billing: { kind: 'one_time' } },
  ]));
  h = await startHarness({ env: { HARDBOUND_PLANS_FILE: plans } });
});
afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a zero-decimal currency', () => {
  it('the plan is offered as "4900" JPY, the order is created and paid, the license records 4900 JPY', async () => {
    const plans = await h.api<{ plans: { id: string; price: string; currency: string }[] }>('GET', '/v1/plans');
    expect(plans.body.plans).toEqual([expect.objectContaining({ id: 'enterprise-lifetime-jpy', price: '4900', currency: 'JPY' })]);

    const c = await createCheckout(h, newAnchor(), 'enterprise-lifetime-jpy');
    const orderId = new URL(c.approveUrl).searchParams.get('token')!;
    expect((await paypalApi(h).getOrder(orderId)).amount).toEqual({ value: '4900', currency: 'JPY' });
    await payOnHostedPage(c.approveUrl);
    const view = (await poll(h, c, 20)) as Extract<CheckoutView, { status: 'completed' }>;
    expect(view.status).toBe('completed');
    expect(view.license).toMatchObject({ status: 'active', tier: 'enterprise', amount: '4900', currency: 'JPY' });
  });

  it('the stand-in refuses what PayPal refuses: a decimal JPY amount', async () => {
    const api = paypalApi(h);
    const refused = await api.createOrder({
      checkoutId: 'chk_AAAAAAAAAAAAAAAA', amount: '4900.00', currency: 'JPY', description: 'x', brandName: 'x',
      returnUrl: 'http://127.0.0.1/r', cancelUrl: 'http://127.0.0.1/c',
    }).then(() => null, (error: unknown) => error as { issue?: string; status?: number });
    expect(refused).toMatchObject({ status: 422, issue: 'DECIMALS_NOT_SUPPORTED' });
  });
});
