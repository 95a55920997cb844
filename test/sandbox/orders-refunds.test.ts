// Payments v2 refunds (POST /v2/payments/captures/{id}/refund, GET /v2/payments/refunds/{id}) and reversals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedOrder, eventFor, link, startHarness, thrownIssue, type Json, type OrdersHarness } from './support-orders';

let h: OrdersHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

function refund(captureId: string, body?: Json, headers: Record<string, string> = {}) {
  return h.call('POST', `/v2/payments/captures/${captureId}/refund`, { body, headers });
}

async function captureStatus(captureId: string): Promise<string> {
  return (await h.call('GET', `/v2/payments/captures/${captureId}`)).body.status as string;
}

describe('POST /v2/payments/captures/{id}/refund', () => {
  it('refunds the whole capture when no amount is given', async () => {
    const { capture } = await capturedOrder(h, { customId: 'chk_refund' });
    const { status, body } = await refund(capture.id);
    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[A-Z0-9]{17}$/),
      status: 'COMPLETED',
      links: [
        { href: `${h.sandbox.baseUrl}/v2/payments/refunds/${body.id}`, rel: 'self', method: 'GET' },
        { href: `${h.sandbox.baseUrl}/v2/payments/captures/${capture.id}`, rel: 'up', method: 'GET' },
      ],
    });
    const shown = await h.call('GET', `/v2/payments/refunds/${body.id}`);
    expect(shown.body).toMatchObject({
      id: body.id,
      amount: { currency_code: 'USD', value: '49.00' },
      custom_id: 'chk_refund',
      status: 'COMPLETED',
      seller_payable_breakdown: { gross_amount: { value: '49.00' }, total_refunded_amount: { value: '49.00' } },
    });
    const captureNow = await h.call('GET', `/v2/payments/captures/${capture.id}`);
    expect(captureNow.body.status).toBe('REFUNDED');
    // The link stays, as on PayPal's pending and declined captures; a refund through it is refused.
    expect(link(captureNow.body, 'refund')?.method).toBe('POST');
  });

  it('publishes PAYMENT.CAPTURE.REFUNDED with the refund resource', async () => {
    const { capture } = await capturedOrder(h);
    const { body } = await refund(capture.id, { amount: { currency_code: 'USD', value: '10.00' } });
    const event = await eventFor(h, 'PAYMENT.CAPTURE.REFUNDED', (r) => r.id === body.id);
    expect(event).toMatchObject({
      resource_type: 'refund',
      resource_version: '2.0',
      summary: 'A $ 10.0 USD capture payment was refunded',
    });
    expect(link(event.resource, 'up')?.href).toBe(`${h.sandbox.baseUrl}/v2/payments/captures/${capture.id}`);
    expect(event.resource).toEqual((await h.call('GET', `/v2/payments/refunds/${body.id}`)).body);
  });

  it('refunds in parts up to the captured amount', async () => {
    const { capture } = await capturedOrder(h, { amount: '49.00' });
    const first = await refund(capture.id, { amount: { currency_code: 'USD', value: '10.00' } });
    expect(await captureStatus(capture.id)).toBe('PARTIALLY_REFUNDED');

    const tooMuch = await refund(capture.id, { amount: { currency_code: 'USD', value: '39.01' } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.details[0].issue).toBe('REFUND_AMOUNT_EXCEEDED');

    const rest = await refund(capture.id, { amount: { currency_code: 'USD', value: '39' } }, { prefer: 'return=representation' });
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({
      amount: { value: '39.00' },
      seller_payable_breakdown: { total_refunded_amount: { currency_code: 'USD', value: '49.00' } },
    });
    expect(await captureStatus(capture.id)).toBe('REFUNDED');
    const firstShown = await h.call('GET', `/v2/payments/refunds/${first.body.id}`);
    expect(firstShown.body.seller_payable_breakdown.total_refunded_amount.value).toBe('10.00');

    const again = await refund(capture.id);
    expect(again.status).toBe(422);
    expect(again.body.details[0].issue).toBe('CAPTURE_FULLY_REFUNDED');
  });

  it('keeps the note to the payer and the invoice id', async () => {
    const { capture } = await capturedOrder(h);
    const { body } = await refund(
      capture.id,
      { amount: { currency_code: 'USD', value: '1.00' }, note_to_payer: 'Sorry', invoice_id: 'RF-1' },
      { prefer: 'return=representation' },
    );
    expect(body).toMatchObject({ note_to_payer: 'Sorry', invoice_id: 'RF-1' });
  });

  it('replays the first answer for the same PayPal-Request-Id', async () => {
    const { capture } = await capturedOrder(h);
    const headers = { 'paypal-request-id': 'refund-once' };
    const first = await refund(capture.id, { amount: { currency_code: 'USD', value: '5.00' } }, headers);
    const repeat = await refund(capture.id, { amount: { currency_code: 'USD', value: '5.00' } }, headers);
    expect(first.status).toBe(201);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    const shown = await h.call('GET', `/v2/payments/refunds/${first.body.id}`);
    expect(shown.body.seller_payable_breakdown.total_refunded_amount.value).toBe('5.00');
    expect(await captureStatus(capture.id)).toBe('PARTIALLY_REFUNDED');
  });

  it.each([
    ['another currency', { amount: { currency_code: 'EUR', value: '1.00' } }, 422, 'REFUND_CAPTURE_CURRENCY_MISMATCH'],
    ['a zero amount', { amount: { currency_code: 'USD', value: '0' } }, 422, 'CANNOT_BE_ZERO_OR_NEGATIVE'],
    ['a malformed amount', { amount: { currency_code: 'USD', value: 'ten' } }, 400, 'INVALID_PARAMETER_SYNTAX'],
    ['an overlong note', { note_to_payer: 'n'.repeat(256) }, 400, 'INVALID_STRING_LENGTH'],
  ])('answers %s with PayPal error', async (_name, body, status, issue) => {
    const { capture } = await capturedOrder(h);
    const reply = await refund(capture.id, body);
    expect(reply.status).toBe(status);
    expect(reply.body.details[0].issue).toBe(issue);
    expect(await captureStatus(capture.id)).toBe('COMPLETED');
  });

  it('refuses to refund a pending or declined capture', async () => {
    h.sandbox.control.setNextCaptureOutcome('PENDING');
    const { capture: pending } = await capturedOrder(h);
    expect((await refund(pending.id)).body.details[0].issue).toBe('PENDING_CAPTURE');
    h.sandbox.control.setNextCaptureOutcome('DECLINED');
    const { capture: declined } = await capturedOrder(h);
    const reply = await refund(declined.id);
    expect(reply.status).toBe(422);
    expect(reply.body.details[0].issue).toBe('REFUND_NOT_ALLOWED');
  });

  it('answers unknown captures and refunds with 404', async () => {
    const unknownCapture = await refund('2GG279541U471931P');
    expect(unknownCapture.status).toBe(404);
    expect(unknownCapture.body.details[0].field).toBe('capture_id');
    const unknownRefund = await h.call('GET', '/v2/payments/refunds/1JU08902781691411');
    expect(unknownRefund.status).toBe(404);
    expect(unknownRefund.body.details[0].field).toBe('refund_id');
  });
});

describe('refund and reversal controls', () => {
  it('refunds as the merchant API does, in process and over HTTP', async () => {
    const { capture } = await capturedOrder(h);
    const partial = h.sandbox.control.refundCapture(capture.id, '9.00');
    expect(partial).toMatchObject({ amount: { currency_code: 'USD', value: '9.00' }, status: 'COMPLETED' });
    await eventFor(h, 'PAYMENT.CAPTURE.REFUNDED', (r) => r.id === partial.id);

    const res = await fetch(`${h.sandbox.baseUrl}/__sandbox/captures/${capture.id}/refund`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).amount).toEqual({ currency_code: 'USD', value: '40.00' });
    expect(await captureStatus(capture.id)).toBe('REFUNDED');
    expect(thrownIssue(() => h.sandbox.control.refundCapture(capture.id, '1.00'))).toBe('CAPTURE_FULLY_REFUNDED');
  });

  it('reverses a capture with PAYMENT.CAPTURE.REVERSED and blocks later refunds', async () => {
    const { capture } = await capturedOrder(h, { customId: 'chk_chargeback' });
    h.sandbox.control.refundCapture(capture.id, '4.00');
    const res = await fetch(`${h.sandbox.baseUrl}/__sandbox/captures/${capture.id}/reverse`, { method: 'POST' });
    const reversal = (await res.json()) as Json;
    expect(reversal).toMatchObject({ amount: { value: '45.00' }, status: 'COMPLETED', custom_id: 'chk_chargeback' });
    expect(link(reversal, 'up')?.href).toBe(`${h.sandbox.baseUrl}/v2/payments/captures/${capture.id}`);

    const event = await eventFor(h, 'PAYMENT.CAPTURE.REVERSED', (r) => r.id === reversal.id);
    expect(event).toMatchObject({ resource_type: 'refund', summary: 'A $ 45.0 USD capture payment was reversed' });
    expect(await captureStatus(capture.id)).toBe('REFUNDED');
    expect(thrownIssue(() => h.sandbox.control.reverseCapture(capture.id))).toBe('CAPTURE_FULLY_REFUNDED');
    const refused = await refund(capture.id);
    expect(refused.status).toBe(422);
    expect(refused.body.details[0].issue).toBe('REFUND_NOT_PERMITTED_DUE_TO_CHARGEBACK');
  });
});
