// What support staff do in the integration tests: hold a support token, call the support API, and buy the
// purchases they look up (through the sandbox's hosted page, as a buyer would).
import type { CheckoutView, CreateCheckoutResponse } from '../../common/api';
import * as audit from '../../server/store/audit';
import { createCheckout, newAnchor, payOnHostedPage, poll, type Harness } from './harness';

type Completed = Extract<CheckoutView, { status: 'completed' }>;

export interface Purchase {
  anchor: string;
  checkout: CreateCheckoutResponse;
  /** PayPal's order id (one-time plans) or subscription id (recurring plans), from the return URL. */
  providerId: string;
  view: Completed;
}

/** Pays on the hosted page and waits for the checkout to complete; its webhooks have all been delivered. */
export async function buy(h: Harness, plan = 'enterprise-lifetime', anchor = newAnchor()): Promise<Purchase> {
  const checkout = await createCheckout(h, anchor, plan);
  const back = await payOnHostedPage(checkout.approveUrl);
  const providerId = back.searchParams.get('subscription_id') ?? back.searchParams.get('token');
  if (!providerId) throw new Error(`the return URL carries no provider id: ${back.href}`);
  const view = await poll(h, checkout, 20);
  if (view.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(view)}`);
  await h.sandbox.control.settle(10_000);
  return { anchor, checkout, providerId, view };
}

export function supportCall<T = unknown>(h: Harness, token: string | undefined, method: 'GET' | 'POST', path: string, body?: unknown) {
  return h.api<T>(method, path, { ...(token === undefined ? {} : { token }), ...(body === undefined ? {} : { body }) });
}

export async function auditRows(h: Harness) {
  return h.server.store.db.selectFrom('auditLog').selectAll().orderBy('id').execute();
}

export function auditFor(h: Harness, target: string) {
  return audit.listForTarget(h.server.store.db, target);
}
