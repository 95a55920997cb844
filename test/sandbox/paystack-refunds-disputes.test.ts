// Refunds (POST /refund → refund.pending → refund.processed / refund.failed; GET /refund/:id) and disputes
// opened and resolved through the control API (charge.dispute.create / charge.dispute.resolve).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paidTransaction, startPaystack, type PaystackHarness } from './support-paystack';

let h: PaystackHarness;
beforeAll(async () => {
  h = await startPaystack();
});
afterAll(() => h.close());

const paid = async (amount = 100_000): Promise<string> =>
  (await paidTransaction(h, { email: 'refunds@example.test', amount, callback_url: 'https://merchant.example/cb' })).reference as string;

describe('refunds', () => {
  it('a full refund is queued (refund.pending), then processed (refund.processed); the transaction reads reversed', async () => {
    const reference = await paid();
    const reply = await h.call('POST', '/refund', { body: { transaction: reference } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: true,
      message: 'Refund has been queued for processing',
      data: { status: 'pending', amount: 100_000, currency: 'NGN', transaction: { reference } },
    });
    const id = reply.body.data.id as number;
    const pending = await h.eventFor('refund.pending', (d) => d.transaction_reference === reference);
    expect(pending.data).toMatchObject({ status: 'pending', amount: '100000', currency: 'NGN', refund_reference: null });
    const processed = await h.eventFor('refund.processed', (d) => d.transaction_reference === reference);
    expect(processed.data).toMatchObject({ status: 'processed', amount: '100000' });
    expect(typeof processed.data.refund_reference).toBe('string');

    const fetched = await h.call('GET', `/refund/${id}`);
    expect(fetched.body).toMatchObject({ status: true, message: 'Refund retrieved', data: { id, status: 'processed', amount: 100_000, fully_deducted: true } });
    const verified = await h.call('GET', `/transaction/verify/${reference}`);
    expect(verified.body.data.status).toBe('reversed');
    const listed = await h.call('GET', `/refund?transaction=${reference}`);
    expect((listed.body.data as { id: number }[]).map((r) => r.id)).toEqual([id]);

    const again = await h.call('POST', '/refund', { body: { transaction: reference } });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ status: false, message: 'Transaction has been fully reversed' });
  });

  it('partial refunds by transaction id add up to the amount, and no further', async () => {
    const reference = await paid(50_000);
    const id = ((await h.call('GET', `/transaction/verify/${reference}`)).body.data as { id: number }).id;
    expect((await h.call('POST', '/refund', { body: { transaction: id, amount: 20_000 } })).status).toBe(200);
    const over = await h.call('POST', '/refund', { body: { transaction: reference, amount: 30_001 } });
    expect(over.status).toBe(400);
    expect(over.body.status).toBe(false);
    expect((await h.call('POST', '/refund', { body: { transaction: reference, amount: 30_000 } })).status).toBe(200);
    const verified = await h.call('GET', `/transaction/verify/${reference}`);
    expect(verified.body.data.status).toBe('reversed');
  });

  it('held refunds stay pending until the control API processes or fails them; a failed one restores the transaction', async () => {
    const reference = await paid();
    h.sandbox.paystack.control.holdRefunds(true);
    try {
      const reply = await h.call('POST', '/refund', { body: { transaction: reference } });
      const id = reply.body.data.id as number;
      await h.sandbox.paystack.control.settle();
      expect((await h.call('GET', `/refund/${id}`)).body.data.status).toBe('pending');
      const failed = await fetch(`${h.sandbox.baseUrl}/__sandbox/paystack/refunds/${id}/fail`, { method: 'POST' });
      expect(await failed.json()).toMatchObject({ id, status: 'failed' });
      await h.eventFor('refund.failed', (d) => d.transaction_reference === reference);
      expect((await h.call('GET', `/transaction/verify/${reference}`)).body.data.status).toBe('success');
      const twice = await fetch(`${h.sandbox.baseUrl}/__sandbox/paystack/refunds/${id}/process`, { method: 'POST' });
      expect(twice.status).toBe(400);
    } finally {
      h.sandbox.paystack.control.holdRefunds(false);
    }
  });

  it('refuses refunds of unknown, unpaid or missing transactions', async () => {
    expect((await h.call('POST', '/refund', { body: {} })).status).toBe(400);
    const unknown = await h.call('POST', '/refund', { body: { transaction: 'nope-nope' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: false, message: 'Transaction not found' });
    const init = await h.call('POST', '/transaction/initialize', { body: { email: 'x@example.test', amount: 100 } });
    const unpaid = await h.call('POST', '/refund', { body: { transaction: init.body.data.reference } });
    expect(unpaid.status).toBe(400);
  });
});

describe('disputes', () => {
  it('opened by the control API (charge.dispute.create) and resolved for the customer: the transaction is reversed', async () => {
    const reference = await paid(70_000);
    const res = await fetch(`${h.sandbox.baseUrl}/__sandbox/paystack/disputes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transaction: reference }),
    });
    expect(res.status).toBe(200);
    const dispute = (await res.json()) as { id: number };
    const created = await h.eventFor('charge.dispute.create', (d) => d.transaction?.reference === reference);
    expect(created.data).toMatchObject({ id: dispute.id, status: 'awaiting-merchant-feedback', resolution: null, refund_amount: 70_000, category: 'chargeback' });
    const fetched = await h.call('GET', `/dispute/${dispute.id}`);
    expect(fetched.body).toMatchObject({ status: true, message: 'Dispute retrieved', data: { id: dispute.id, status: 'awaiting-merchant-feedback' } });

    const reminded = await fetch(`${h.sandbox.baseUrl}/__sandbox/paystack/disputes/${dispute.id}/remind`, { method: 'POST' });
    expect(reminded.status).toBe(200);
    const remind = await h.eventFor('charge.dispute.remind', (d) => d.id === dispute.id);
    expect(remind.data).toMatchObject({ status: 'awaiting-merchant-feedback', transaction: { reference } });

    const resolved = h.sandbox.paystack.control.resolveDispute(dispute.id, 'merchant-accepted');
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'merchant-accepted' });
    const event = await h.eventFor('charge.dispute.resolve', (d) => d.id === dispute.id);
    expect(event.data).toMatchObject({ status: 'resolved', resolution: 'merchant-accepted', transaction: { status: 'reversed' } });
    expect(typeof event.data.resolvedAt).toBe('string');
    expect((await h.call('GET', `/transaction/verify/${reference}`)).body.data.status).toBe('reversed');
    expect(() => h.sandbox.paystack.control.resolveDispute(dispute.id, 'declined')).toThrow(/already been resolved/);
    expect(() => h.sandbox.paystack.control.remindDispute(dispute.id)).toThrow(/already been resolved/);
  });

  it('resolved for the merchant (declined) leaves the transaction successful', async () => {
    const reference = await paid();
    const dispute = h.sandbox.paystack.control.openDispute(reference, { refundAmount: 40_000, category: 'fraud' });
    expect(dispute).toMatchObject({ refund_amount: 40_000, category: 'fraud' });
    h.sandbox.paystack.control.resolveDispute(dispute.id as number, 'declined');
    await h.eventFor('charge.dispute.resolve', (d) => d.id === dispute.id && d.resolution === 'declined');
    expect((await h.call('GET', `/transaction/verify/${reference}`)).body.data.status).toBe('success');
  });

  it('refuses a dispute on an unknown transaction or with a bad resolution', async () => {
    const unknown = await fetch(`${h.sandbox.baseUrl}/__sandbox/paystack/disputes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transaction: 'nope-nope' }),
    });
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${h.sandbox.baseUrl}/__sandbox/paystack/disputes/1/resolve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resolution: 'maybe' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: false });
  });
});
