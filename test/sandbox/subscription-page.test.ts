// The hosted approval page driven over plain HTTP, as a browser would: GET the approve link, read the form
// and its buttons, POST the choice, follow nothing but check where the 302 points.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type PayPalJson } from './support-subscriptions';

const RETURN_URL = 'https://app.example.com/checkout/return?from=paypal';
const CANCEL_URL = 'https://app.example.com/checkout/cancel';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const decode = (html: string): string => html.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));

interface ParsedPage {
  status: number;
  contentType: string;
  html: string;
  /** The form's target, resolved against the page URL. */
  action?: URL;
  /** name=value of each submit button, keyed by its label. */
  buttons: Record<string, { name: string; value: string }>;
}

async function openPage(url: string): Promise<ParsedPage> {
  const response = await fetch(url, { redirect: 'manual' });
  const html = await response.text();
  const form = /<form method="post" action="([^"]*)">/.exec(html);
  const buttons: ParsedPage['buttons'] = {};
  for (const [, name, value, label] of html.matchAll(/<button type="submit" name="([^"]+)" value="([^"]+)">([^<]+)<\/button>/g)) {
    buttons[decode(label as string)] = { name: decode(name as string), value: decode(value as string) };
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    html,
    action: form?.[1] === undefined ? undefined : new URL(decode(form[1]), url),
    buttons,
  };
}

async function press(page: ParsedPage, label: string): Promise<Response> {
  const button = page.buttons[label];
  if (!button || !page.action) throw new Error(`no "${label}" button in a form`);
  return fetch(page.action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ [button.name]: button.value }).toString(),
  });
}

const approveLink = (subscription: PayPalJson): string =>
  subscription.links.find((l: PayPalJson) => l.rel === 'approve').href;

describe('hosted subscription approval page', () => {
  it('shows merchant, plan, price per interval and test buyer, and Pay activates and redirects to return_url', async () => {
    const subscription = await h.createSubscription();
    const link = approveLink(subscription);
    const baToken = new URL(link).searchParams.get('ba_token');

    const page = await openPage(link);
    expect(page.status).toBe(200);
    expect(page.contentType).toContain('text/html');
    expect(page.html).toContain('data-testid="merchant">Hardbound<');
    expect(page.html).toContain('Hardbound Enterprise (Enterprise monthly)');
    expect(page.html).toContain('data-testid="amount">$9.00 USD / month<');
    expect(page.html).toContain('sb-buyer47kx3@personal.example.com');
    expect(Object.keys(page.buttons)).toEqual(['Pay', 'Cancel']);

    const paid = await press(page, 'Pay');
    expect(paid.status).toBe(302);
    const location = new URL(paid.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.com/checkout/return');
    expect(location.searchParams.get('from')).toBe('paypal');
    expect(location.searchParams.get('subscription_id')).toBe(subscription.id);
    expect(location.searchParams.get('ba_token')).toBe(baToken);
    expect(location.searchParams.get('token')).toMatch(/^[A-Z0-9]{17}$/);

    const read = (await h.call('GET', `/v1/billing/subscriptions/${subscription.id}`)).body;
    expect(read.status).toBe('ACTIVE');
    expect(read.subscriber.email_address).toBe('sb-buyer47kx3@personal.example.com');
    expect(read.billing_info.last_payment.amount).toEqual({ currency_code: 'USD', value: '9.0' });

    const again = await press(page, 'Pay');
    expect(again.status).toBe(302);
    expect(again.headers.get('location')).toBe(paid.headers.get('location'));
    const sales = (await h.events('PAYMENT.SALE.COMPLETED')).filter((e) => e.resource.billing_agreement_id === subscription.id);
    expect(sales).toHaveLength(1);

    const pageAfter = await openPage(link);
    expect(pageAfter.status).toBe(409);
    expect(pageAfter.buttons).toEqual({});
  });

  it('Cancel redirects to cancel_url and leaves the subscription awaiting approval', async () => {
    const subscription = await h.createSubscription();
    const page = await openPage(approveLink(subscription));
    const cancelled = await press(page, 'Cancel');
    expect(cancelled.status).toBe(302);
    const location = new URL(cancelled.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(CANCEL_URL);
    expect(location.searchParams.get('subscription_id')).toBe(subscription.id);
    expect(location.searchParams.get('ba_token')).toMatch(/^BA-[A-Z0-9]{17}$/);
    expect(location.searchParams.get('token')).toMatch(/^[A-Z0-9]{17}$/);

    expect((await h.call('GET', `/v1/billing/subscriptions/${subscription.id}`)).body.status).toBe('APPROVAL_PENDING');
    expect((await openPage(approveLink(subscription))).status).toBe(200);
  });

  it('answers an unknown token with a 404 HTML page', async () => {
    const page = await openPage(`${h.sandbox.baseUrl}/webapps/billing/subscriptions?ba_token=BA-00000000000000000`);
    expect(page.status).toBe(404);
    expect(page.contentType).toContain('text/html');
    expect(page.html).toContain('Subscription not found');
    const missing = await openPage(`${h.sandbox.baseUrl}/webapps/billing/subscriptions`);
    expect(missing.status).toBe(404);
  });

  it('refuses an action other than Pay or Cancel', async () => {
    const subscription = await h.createSubscription();
    const page = await openPage(approveLink(subscription));
    const reply = await fetch(page.action as URL, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=approve-everything',
    });
    expect(reply.status).toBe(400);
    expect((await h.call('GET', `/v1/billing/subscriptions/${subscription.id}`)).body.status).toBe('APPROVAL_PENDING');
  });

  it('without a return_url ends on a PayPal page instead of redirecting', async () => {
    const subscription = await h.createSubscription({ application_context: {} });
    const page = await openPage(approveLink(subscription));
    expect(page.html).toContain('data-testid="merchant">Hardbound Demo Vendor<');
    const paid = await press(page, 'Pay');
    expect(paid.status).toBe(200);
    expect(await paid.text()).toContain('Subscription approved');
  });

  it('escapes the merchant-supplied brand name', async () => {
    const subscription = await h.createSubscription({
      application_context: { brand_name: '<script>alert(1)</script>', return_url: RETURN_URL },
    });
    const page = await openPage(approveLink(subscription));
    expect(page.html).not.toContain('<script>');
    expect(page.html).toContain('&#60;script&#62;');
  });

  it('delivers ACTIVATED and PAYMENT.SALE.COMPLETED to a registered listener after Pay', async () => {
    const received: { headers: IncomingHttpHeaders; body: PayPalJson }[] = [];
    const listener = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(text) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = listener.address() as AddressInfo;
      const registered = await h.call('POST', '/v1/notifications/webhooks', {
        url: `http://127.0.0.1:${port}/paypal`,
        event_types: [{ name: 'BILLING.SUBSCRIPTION.ACTIVATED' }, { name: 'PAYMENT.SALE.COMPLETED' }],
      });
      expect(registered.status).toBe(201);

      const subscription = await h.createSubscription({ custom_id: 'chk_delivered' });
      const paid = await press(await openPage(approveLink(subscription)), 'Pay');
      expect(paid.status).toBe(302);

      for (let waited = 0; received.length < 2 && waited < 5000; waited += 25) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const byType = Object.fromEntries(received.map((r) => [r.body.event_type, r]));
      expect(Object.keys(byType).sort()).toEqual(['BILLING.SUBSCRIPTION.ACTIVATED', 'PAYMENT.SALE.COMPLETED']);
      expect(byType['BILLING.SUBSCRIPTION.ACTIVATED']?.body.resource).toMatchObject({
        id: subscription.id, status: 'ACTIVE', custom_id: 'chk_delivered',
      });
      expect(byType['PAYMENT.SALE.COMPLETED']?.body.resource.billing_agreement_id).toBe(subscription.id);
      expect(byType['PAYMENT.SALE.COMPLETED']?.headers['paypal-auth-algo']).toBe('SHA256withRSA');
      await h.call('DELETE', `/v1/notifications/webhooks/${registered.body.id}`);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});
