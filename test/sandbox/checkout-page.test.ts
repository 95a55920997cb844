// The hosted checkout page, driven over plain HTTP as a browser would: follow the order's approval link,
// read the form, press a button, follow the redirect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUYER } from '../../sandbox/options';
import { capturedOrder, eventFor, eventsOfType, link, orderBody, startHarness, type Json, type OrdersHarness } from './support-orders';

let h: OrdersHarness;
const MERCHANT = 'Hardbound Test Vendor';
beforeAll(async () => {
  h = await startHarness({ merchantName: MERCHANT });
});
afterAll(() => h.close());

interface Page {
  url: string;
  status: number;
  html: string;
}

async function open(url: string): Promise<Page> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
  return { url, status: res.status, html: await res.text() };
}

function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

function textOf(html: string, testId: string): string {
  const match = new RegExp(`data-testid="${testId}">([^<]*)<`).exec(html);
  if (!match?.[1]) throw new Error(`no ${testId} on the page`);
  return decodeEntities(match[1]);
}

/** Finds the form and the submit button whose visible label is `label`, and submits it as a browser would. */
async function press(page: Page, label: string): Promise<Response> {
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(page.html);
  if (!form?.[1] || form[2] === undefined) throw new Error('no form on the page');
  const button = [...form[2].matchAll(/<button type="submit" name="([^"]+)" value="([^"]+)">([^<]+)<\/button>/g)].find(
    (b) => b[3] === label,
  );
  if (!button?.[1] || !button[2]) throw new Error(`no "${label}" button`);
  return fetch(new URL(decodeEntities(form[1]), page.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ [button[1]]: button[2] }).toString(),
    redirect: 'manual',
  });
}

async function newOrder(overrides: Parameters<typeof orderBody>[0] = {}): Promise<Json> {
  const reply = await h.call('POST', '/v2/checkout/orders', { body: orderBody(overrides) });
  expect(reply.status).toBe(201);
  return reply.body;
}

function approvalHref(order: Json): string {
  const href = (link(order, 'payer-action') ?? link(order, 'approve'))?.href as string | undefined;
  if (!href) throw new Error('order has no approval link');
  return href;
}

describe('hosted checkout page', () => {
  it('shows the merchant, the amount and the test buyer, and Pay returns the buyer to the merchant', async () => {
    const order = await newOrder({
      brandName: 'Hardbound <Enterprise>',
      customId: 'chk_page',
      returnUrl: 'https://merchant.example/checkout/return?session=s1',
    });
    const page = await open(approvalHref(order));
    expect(page.status).toBe(200);
    expect(textOf(page.html, 'merchant')).toBe('Hardbound <Enterprise>');
    expect(textOf(page.html, 'amount')).toBe('$49.00 USD');
    expect(textOf(page.html, 'buyer')).toBe(DEFAULT_BUYER.email);

    const res = await press(page, 'Pay');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('https://merchant.example/checkout/return');
    expect(Object.fromEntries(location.searchParams)).toEqual({ session: 's1', token: order.id, PayerID: DEFAULT_BUYER.payerId });

    const approved = await h.call('GET', `/v2/checkout/orders/${order.id}`);
    expect(approved.body.status).toBe('APPROVED');
    expect(approved.body.payer.payer_id).toBe(DEFAULT_BUYER.payerId);

    const event = await eventFor(h, 'CHECKOUT.ORDER.APPROVED', (r) => r.id === order.id);
    expect(event).toMatchObject({
      resource_type: 'checkout-order',
      resource_version: '2.0',
      summary: 'An order has been approved by buyer',
      resource: {
        status: 'APPROVED',
        payer: { email_address: DEFAULT_BUYER.email, payer_id: DEFAULT_BUYER.payerId },
        purchase_units: [{ custom_id: 'chk_page' }],
      },
    });

    const again = await open(approvalHref(order));
    expect(again.status).toBe(200);
    expect(again.html).toContain('already approved');
    expect(again.html).not.toContain('<form');
  });

  it('Cancel returns the buyer to the cancel URL and leaves the order as it was', async () => {
    const order = await newOrder({ legacy: true, cancelUrl: 'https://merchant.example/checkout/cancel' });
    const page = await open(approvalHref(order));
    expect(textOf(page.html, 'merchant')).toBe(MERCHANT);

    const res = await press(page, 'Cancel');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`https://merchant.example/checkout/cancel?token=${order.id}`);
    expect((await h.call('GET', `/v2/checkout/orders/${order.id}`)).body.status).toBe('CREATED');
    const approvals = await eventsOfType(h, 'CHECKOUT.ORDER.APPROVED');
    expect(approvals.some((e) => e.resource.id === order.id)).toBe(false);
    expect((await open(approvalHref(order))).html).toContain('<form');
  });

  it('says so when the order has already been paid', async () => {
    const { orderId } = await capturedOrder(h);
    const page = await open(`${h.sandbox.baseUrl}/checkoutnow?token=${orderId}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('already been paid');
    const res = await fetch(`${h.sandbox.baseUrl}/checkoutnow?token=${orderId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=pay',
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('already been paid');
  });

  it('answers an unknown token with a 404 page', async () => {
    const page = await open(`${h.sandbox.baseUrl}/checkoutnow?token=NOSUCHORDER000000`);
    expect(page.status).toBe(404);
    expect(page.html).toContain('not valid');
    expect((await open(`${h.sandbox.baseUrl}/checkoutnow`)).status).toBe(404);
  });

  it('shows a closing page when the order has no return URL', async () => {
    const create = await h.call('POST', '/v2/checkout/orders', {
      body: { intent: 'CAPTURE', purchase_units: [{ amount: { currency_code: 'EUR', value: '9.90' } }] },
    });
    const page = await open(approvalHref(create.body));
    expect(textOf(page.html, 'amount')).toBe('€9.90 EUR');
    const res = await press(page, 'Pay');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Payment approved');
    expect((await h.call('GET', `/v2/checkout/orders/${create.body.id}`)).body.status).toBe('APPROVED');
  });

  it('rejects a form without a known action', async () => {
    const order = await newOrder();
    const res = await fetch(`${h.sandbox.baseUrl}/checkoutnow?token=${order.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=steal',
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect((await h.call('GET', `/v2/checkout/orders/${order.id}`)).body.status).toBe('PAYER_ACTION_REQUIRED');
  });
});

describe('approveOrder control', () => {
  it('approves like Pay does, in process and over HTTP, and only once', async () => {
    const first = await newOrder({ customId: 'chk_ctl' });
    const approved = h.sandbox.control.approveOrder(first.id);
    expect(approved).toMatchObject({ id: first.id, status: 'APPROVED', payer: { payer_id: DEFAULT_BUYER.payerId } });
    await eventFor(h, 'CHECKOUT.ORDER.APPROVED', (r) => r.id === first.id);

    const second = await newOrder();
    const res = await fetch(`${h.sandbox.baseUrl}/__sandbox/orders/${second.id}/approve`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).status).toBe('APPROVED');
    const twice = await fetch(`${h.sandbox.baseUrl}/__sandbox/orders/${second.id}/approve`, { method: 'POST' });
    expect(twice.status).toBe(422);
    expect(((await twice.json()) as Json).details[0].issue).toBe('ORDER_ALREADY_APPROVED');
    const unknown = await fetch(`${h.sandbox.baseUrl}/__sandbox/orders/NOSUCHORDER000000/approve`, { method: 'POST' });
    expect(unknown.status).toBe(404);
  });
});
