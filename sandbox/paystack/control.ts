// The Paystack stand-in's control operations (the /__sandbox/paystack/ routes call the same functions): what the
// buyer, the card network, Paystack's billing and the merchant's dashboard would do, on demand.
import { DEFAULT_SETTLE_TIMEOUT_MS } from '../webhooks/control';
import { parseFaults, type DeliveryFaults } from '../webhooks/faults';
import { type ApiFaults, type ApiFaultState, parseApiFaults } from './api-faults';
import type { PaystackDeps } from './deps';
import { openDispute, remindDispute, resolveDispute } from './disputes';
import { paystackErrors } from './errors';
import type { DisputeResolution, PaystackDispute, PaystackEvent } from './model';
import { settleRefund } from './refunds';
import { cancelSubscription, renew, runDueRenewals } from './subscriptions';
import { payTransaction } from './transactions';

type Json = Record<string, unknown>;

export interface PaystackControl {
  /** What pressing Pay on the hosted page does, without a browser; answers the transaction as verify shows it. */
  payTransaction(reference: string): Json;
  /** How the next hosted-page payment ends, once ('failed': declined, no webhook). */
  setNextChargeOutcome(outcome: 'success' | 'failed'): void;
  /** Runs one renewal of the subscription now, whatever its date; answers the invoice as its event shows it. */
  renewSubscription(code: string, outcome?: 'success' | 'failed'): Json;
  /** How the subscription's due renewals end from now on ('success' unless changed). */
  setRenewalOutcome(code: string, outcome: 'success' | 'failed'): void;
  /** Cancelled at once (subscription.disable), as when the customer cancels on Paystack's manage page. */
  cancelSubscription(code: string): Json;
  /** Runs the renewals the sandbox clock has reached (the clock control calls it). */
  runDueRenewals(): void;
  /** While held, refunds stay pending until processRefund / failRefund. */
  holdRefunds(hold: boolean): void;
  processRefund(id: number): Json;
  failRefund(id: number): Json;
  /** The card network opens a dispute on a transaction (reference or id): charge.dispute.create. */
  openDispute(transaction: string, options?: { refundAmount?: number; category?: PaystackDispute['category'] }): Json;
  /** charge.dispute.remind for an open dispute. */
  remindDispute(id: number): Json;
  /** charge.dispute.resolve: 'merchant-accepted' (the customer wins; the transaction is reversed) or 'declined'. */
  resolveDispute(id: number, resolution: DisputeResolution): Json;
  /** The dashboard's webhook URL; undefined: events are recorded, not sent. */
  setWebhookUrl(url: string | undefined): void;
  webhookUrl(): string | undefined;
  setFaults(faults: DeliveryFaults): void;
  webhookFaults(): DeliveryFaults;
  clearFaults(): void;
  flushShuffled(): void;
  settle(timeoutMs?: number): Promise<void>;
  listEvents(): PaystackEvent[];
  /** Records and sends a body byte for byte (an object as JSON), signed with the secret key. */
  deliverEvent(body: string | object): PaystackEvent;
  setPublishing(enabled: boolean): { enabled: boolean };
  publishing(): { enabled: boolean };
  setApiFaults(faults: ApiFaults): ApiFaults;
  apiFaults(): ApiFaults;
  clearApiFaults(): void;
}

export function createPaystackControl(deps: PaystackDeps, apiFaults: ApiFaultState): PaystackControl {
  const { state, render, webhooks } = deps;
  const transaction = (reference: string) => {
    const tx = state.transactions.get(reference);
    if (!tx) throw paystackErrors.referenceNotFound();
    return tx;
  };
  const subscription = (code: string) => {
    const sub = state.subscription(code);
    if (!sub) throw paystackErrors.notFound('Subscription not found');
    return sub;
  };
  const refund = (id: number) => {
    const found = state.refunds.get(id);
    if (!found) throw paystackErrors.notFound('Refund not found');
    return found;
  };
  return {
    payTransaction: (reference) => render.transaction(payTransaction(deps, transaction(reference)), 'verify'),
    setNextChargeOutcome: (outcome) => {
      deps.controls.nextCharge = outcome;
    },
    renewSubscription: (code, outcome) => {
      const sub = subscription(code);
      return render.invoiceEvent(renew(deps, sub, outcome ?? sub.renewalOutcome));
    },
    setRenewalOutcome: (code, outcome) => {
      subscription(code).renewalOutcome = outcome;
    },
    cancelSubscription: (code) => render.subscription(cancelSubscription(deps, subscription(code))),
    runDueRenewals: () => runDueRenewals(deps),
    holdRefunds: (hold) => {
      deps.controls.holdRefunds = hold;
    },
    processRefund: (id) => render.refund(settleRefund(deps, refund(id), 'processed')),
    failRefund: (id) => render.refund(settleRefund(deps, refund(id), 'failed')),
    openDispute: (tx, options) => render.dispute(openDispute(deps, tx, options)),
    remindDispute: (id) => render.dispute(remindDispute(deps, id)),
    resolveDispute: (id, resolution) => render.dispute(resolveDispute(deps, id, resolution)),
    setWebhookUrl: (url) => webhooks.setWebhookUrl(url),
    webhookUrl: () => webhooks.webhookUrl(),
    setFaults: (faults) => webhooks.setFaults(parseFaults(faults)),
    webhookFaults: () => webhooks.currentFaults(),
    clearFaults: () => webhooks.setFaults({}),
    flushShuffled: () => webhooks.flush(),
    settle: (timeoutMs = DEFAULT_SETTLE_TIMEOUT_MS) => webhooks.settle(timeoutMs),
    listEvents: () => [...state.events],
    deliverEvent: (body) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      return webhooks.record(eventNameOf(text), text);
    },
    setPublishing: (enabled) => {
      webhooks.setPublishing(enabled);
      return { enabled };
    },
    publishing: () => ({ enabled: webhooks.isPublishing() }),
    setApiFaults: (faults) => {
      apiFaults.set(parseApiFaults(faults));
      return apiFaults.current();
    },
    apiFaults: () => apiFaults.current(),
    clearApiFaults: () => apiFaults.set({}),
  };
}

function eventNameOf(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    const name = value !== null && typeof value === 'object' ? (value as { event?: unknown }).event : undefined;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
}
