// The Paystack stand-in's transactions: initialize → the hosted page → Pay → callback_url → verify, the
// declined and cancelled roads, and Paystack's documented error bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialize, openPage, press, startPaystack, type PaystackHarness } from './support-paystack';

let h: PaystackHarness;
beforeAll(async () => {
  h = await startPaystack({ merchantName: 'Hardbound Test Vendor' });
});
afterAll(() => h.close());

function textOf(html: string, testId: string): string {
  const match = new RegExp(`data-testid="${testId}">([^<]*)<`).exec(html);
  if (!match?.[1]) throw new Error(`no ${testId} on the page`);
  return match[1].replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
}

describe('initialize → hosted page → verify', () => {
  it('Pay charges the card, redirects to callback_url with trxref and reference, and verify says success', async () => {
    const reference = `hb-${Date.now()}`;
    const reply = await h.call('POST', '/transaction/initialize', {
      body: {
        email: 'buyer@example.test',
        amount: 2_500_000,
        currency: 'NGN',
        reference,
        callback_url: 'https://merchant.example/paystack/return?session=s1',
        metadata: { checkout_id: 'chk_1' },
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: true, message: 'Authorization URL created', data: { reference } });
    const data = reply.body.data as { authorization_url: string; access_code: string };
    expect(data.authorization_url).toBe(`${h.sandbox.paystack.baseUrl}/checkout/${data.access_code}`);
    expect(data.access_code).toMatch(/^[a-z0-9]{15}$/);

    const before = await h.call('GET', `/transaction/verify/${reference}`);
    expect(before.body.data).toMatchObject({ status: 'abandoned', paid_at: null, authorization: {} });

    const page = await openPage(data.authorization_url);
    expect(page.status).toBe(200);
    expect(textOf(page.html, 'merchant')).toBe('Hardbound Test Vendor');
    expect(textOf(page.html, 'amount')).toBe('₦25,000.00 NGN');
    expect(textOf(page.html, 'buyer')).toBe('buyer@example.test');

    const res = await press(page, 'Pay');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe('https://merchant.example/paystack/return');
    expect(Object.fromEntries(location.searchParams)).toEqual({ session: 's1', trxref: reference, reference });

    const verified = await h.call('GET', `/transaction/verify/${reference}`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      status: true,
      message: 'Verification successful',
      data: {
        status: 'success',
        reference,
        amount: 2_500_000,
        currency: 'NGN',
        channel: 'card',
        gateway_response: 'Successful',
        metadata: { checkout_id: 'chk_1' },
        plan: null,
        customer: { email: 'buyer@example.test', first_name: null, last_name: null, phone: null },
        authorization: { bin: '408408', last4: '4081', reusable: true },
      },
    });
    const tx = verified.body.data as { paid_at: string; customer: { customer_code: string }; authorization: { authorization_code: string } };
    expect(Date.parse(tx.paid_at)).not.toBeNaN();
    expect(tx.customer.customer_code).toMatch(/^CUS_[a-z0-9]+$/);
    expect(tx.authorization.authorization_code).toMatch(/^AUTH_[a-z0-9]+$/);

    const event = await h.eventFor('charge.success', (d) => d.reference === reference);
    expect(event.data).toMatchObject({ status: 'success', amount: 2_500_000, metadata: { checkout_id: 'chk_1' }, plan: {} });

    const again = await openPage(data.authorization_url);
    expect(again.html).toContain('Already paid');
    const fetched = await h.call('GET', `/transaction/${String((verified.body.data as { id: number }).id)}`);
    expect(fetched.body).toMatchObject({ status: true, message: 'Transaction retrieved', data: { reference, status: 'success' } });
  });

  it('generates a reference when none is sent, and takes a form-encoded body with a string amount', async () => {
    const reply = await h.call('POST', '/transaction/initialize', { body: { email: 'form@example.test', amount: '500000' }, form: true });
    expect(reply.status).toBe(200);
    const reference = (reply.body.data as { reference: string }).reference;
    expect(reference).toMatch(/^[a-z0-9]{10}$/);
    const verified = await h.call('GET', `/transaction/verify/${reference}`);
    expect(verified.body.data).toMatchObject({ amount: 500_000, currency: 'NGN', metadata: '' });
  });

  it('a declined card leaves the transaction failed, sends no charge.success, and the buyer may pay again', async () => {
    const init = await initialize(h, { email: 'declined@example.test', amount: 10_000, callback_url: 'https://merchant.example/cb' });
    h.sandbox.paystack.control.setNextChargeOutcome('failed');
    const declined = await press(await openPage(init.authorization_url as string), 'Pay');
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('Payment declined');
    const verified = await h.call('GET', `/transaction/verify/${String(init.reference)}`);
    expect(verified.body.data).toMatchObject({ status: 'failed', gateway_response: 'Declined', paid_at: null });

    const retried = await press(await openPage(init.authorization_url as string), 'Pay');
    expect(retried.status).toBe(302);
    await h.eventFor('charge.success', (d) => d.reference === init.reference);
    expect(h.received().filter((e) => e.event === 'charge.success' && e.data.reference === init.reference)).toHaveLength(1);
  });

  it('Cancel goes to metadata.cancel_action when given, and the transaction stays abandoned', async () => {
    const init = await initialize(h, {
      email: 'cancel@example.test',
      amount: 10_000,
      metadata: { cancel_action: 'https://merchant.example/cancelled?x=1' },
    });
    const res = await press(await openPage(init.authorization_url as string), 'Cancel');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://merchant.example/cancelled?x=1');
    const verified = await h.call('GET', `/transaction/verify/${String(init.reference)}`);
    expect(verified.body.data).toMatchObject({ status: 'abandoned' });

    const plain = await initialize(h, { email: 'cancel@example.test', amount: 10_000 });
    const notice = await press(await openPage(plain.authorization_url as string), 'Cancel');
    expect(notice.status).toBe(200);
    expect(await notice.text()).toContain('Payment cancelled');
  });

  it('an unknown checkout link answers a 404 page', async () => {
    const page = await openPage(`${h.sandbox.paystack.baseUrl}/checkout/nosuchcode12345`);
    expect(page.status).toBe(404);
    expect(page.html).toContain('Checkout not found');
  });
});

describe('error bodies', () => {
  it('a wrong or missing secret key is 401 {status:false, message:"Invalid key"}', async () => {
    for (const key of ['sk_test_wrong', null, 'pk_test_0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192']) {
      const reply = await h.call('GET', '/transaction/verify/anything', { key });
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ status: false, message: 'Invalid key' });
    }
  });

  it('an unknown reference is "Transaction reference not found"', async () => {
    const reply = await h.call('GET', '/transaction/verify/never-seen-ref');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ status: false, message: 'Transaction reference not found', type: 'validation_error' });
  });

  it('a reused reference is "Duplicate Transaction Reference" as documented', async () => {
    await initialize(h, { email: 'dup@example.test', amount: 10_000, reference: 'dup-ref-1' });
    const reply = await h.call('POST', '/transaction/initialize', { body: { email: 'dup@example.test', amount: 10_000, reference: 'dup-ref-1' } });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      status: false,
      message: 'Duplicate Transaction Reference',
      meta: { nextStep: 'Try and create the Transaction or Charge with a new reference' },
      type: 'validation_error',
      code: 'duplicate_reference',
    });
  });

  it('a missing email is the documented missing_params error; bad amounts, references, plans and JSON are 400s', async () => {
    const missing = await h.call('POST', '/transaction/initialize', { body: { amount: 10_000 } });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      status: false,
      message: 'Email Address is required',
      meta: { nextStep: 'Provide all required params ' },
      type: 'validation_error',
      code: 'missing_params',
    });
    const cases: [unknown, RegExp][] = [
      [{ email: 'a@example.test' }, /Amount is required/],
      [{ email: 'a@example.test', amount: 10.5 }, /Invalid Amount/],
      [{ email: 'a@example.test', amount: -5 }, /Invalid Amount/],
      [{ email: 'not-an-email', amount: 100 }, /Invalid Email/],
      [{ email: 'a@example.test', amount: 100, reference: 'has space' }, /Invalid transaction reference/],
      [{ email: 'a@example.test', amount: 100, plan: 'PLN_nosuchplan' }, /Plan not found/],
      [{ email: 'a@example.test', amount: 100, currency: 'XYZ' }, /Currency not supported/],
      [{ email: 'a@example.test', amount: 100, callback_url: 'javascript:alert(1)' }, /callback_url/],
      ['{"email":', /not well formed/],
    ];
    for (const [body, message] of cases) {
      const reply = await h.call('POST', '/transaction/initialize', { body });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.status).toBe(false);
      expect(reply.body.message).toMatch(message);
    }
  });

  it('unknown records answer 404 with status:false', async () => {
    for (const path of ['/transaction/999', '/plan/PLN_unknown', '/subscription/SUB_unknown', '/refund/1', '/dispute/1', '/no/such/route']) {
      const reply = await h.call('GET', path);
      expect(reply.status, path).toBe(404);
      expect(reply.body.status).toBe(false);
    }
  });
});
