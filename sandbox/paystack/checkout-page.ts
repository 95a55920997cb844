// The hosted checkout page a transaction's authorization_url opens (GET {prefix}/checkout/{access_code}), in
// the same plain HTML as the PayPal stand-in's page so tests drive both alike. Pay charges Paystack's test card
// and returns the buyer to callback_url?trxref={reference}&reference={reference}; Cancel goes to the
// metadata's cancel_action URL when the merchant gave one (Paystack's documented way), else says it was cancelled.
import type { FastifyInstance } from 'fastify';
import { renderApprovalPage } from '../hosted-page';
import type { PaystackDeps } from './deps';
import type { PaystackTransaction } from './model';
import { awaitsPayment, payTransaction } from './transactions';
import { sendHtml, sendNotice, withQuery } from '../page-replies';

interface PageRequest {
  Params: { accessCode: string };
  Body: { action?: string } | undefined;
}

export const CHECKOUT_PATH = '/checkout';

export function registerCheckoutPage(app: FastifyInstance, deps: PaystackDeps, merchantName: string): void {
  const find = (accessCode: string): PaystackTransaction | undefined => {
    const reference = deps.state.transactionsByAccessCode.get(accessCode);
    return reference === undefined ? undefined : deps.state.transactions.get(reference);
  };

  app.get<PageRequest>(`${CHECKOUT_PATH}/:accessCode`, async (req, reply) => {
    const tx = find(req.params.accessCode);
    if (!tx) return sendNotice(reply, 404, 'Checkout not found', 'This payment link is not valid or has expired.');
    if (!awaitsPayment(tx)) return sendNotice(reply, 200, 'Already paid', 'This payment has already been made. You can close this window now.');
    return sendHtml(reply, 200, checkoutPage(deps, tx, merchantName));
  });

  app.post<PageRequest>(`${CHECKOUT_PATH}/:accessCode`, async (req, reply) => {
    const tx = find(req.params.accessCode);
    if (!tx) return sendNotice(reply, 404, 'Checkout not found', 'This payment link is not valid or has expired.');
    if (!awaitsPayment(tx)) return sendNotice(reply, 200, 'Already paid', 'This payment has already been made. You can close this window now.');
    const action = req.body?.action;
    if (action === 'pay') {
      const paid = payTransaction(deps, tx);
      if (paid.status === 'failed') {
        return sendNotice(reply, 402, 'Payment declined', 'Your card was declined. Go back to try again.');
      }
      if (!paid.callbackUrl) return sendNotice(reply, 200, 'Payment successful', 'You can close this window now.');
      return reply.redirect(withQuery(paid.callbackUrl, { trxref: paid.reference, reference: paid.reference }), 302);
    }
    if (action === 'cancel') {
      const cancelAction = cancelActionOf(tx.metadata);
      if (!cancelAction) return sendNotice(reply, 200, 'Payment cancelled', 'You can close this window now.');
      return reply.redirect(cancelAction, 302);
    }
    return sendNotice(reply, 400, 'Unknown choice', 'Choose Pay or Cancel.');
  });
}

function checkoutPage(deps: PaystackDeps, tx: PaystackTransaction, merchantName: string): string {
  const plan = tx.planCode ? deps.state.plans.get(tx.planCode) : undefined;
  const price = `${formatSubunits(tx.amount, tx.currency)}${plan ? ` / ${plan.interval}` : ''}`;
  return renderApprovalPage({
    title: 'Paystack Checkout',
    merchant: merchantName,
    item: plan ? plan.name : `Payment ${tx.reference}`,
    price,
    buyerEmail: deps.state.customers.get(tx.customerId)?.email ?? '',
    formAction: `${new URL(deps.baseUrl()).pathname}${CHECKOUT_PATH}/${encodeURIComponent(tx.accessCode)}`,
  });
}

/** "₦5,000.00 NGN": the subunit amount in the major unit (every currency Paystack takes has two decimals). */
export function formatSubunits(amount: number, currency: string): string {
  const symbol: Record<string, string> = { NGN: '₦', GHS: 'GH₵', ZAR: 'R', KES: 'KSh', USD: '$' };
  const major = (amount / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${symbol[currency] ?? ''}${major} ${currency}`;
}

function cancelActionOf(metadata: unknown): string | undefined {
  if (metadata === null || typeof metadata !== 'object') return undefined;
  const url = (metadata as { cancel_action?: unknown }).cancel_action;
  if (typeof url !== 'string') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}
