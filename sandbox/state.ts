// Everything the sandbox knows lives here, in memory, for the life of one sandbox.
import type {
  Capture, Dispute, Order, Plan, Product, Refund, Sale, SaleRefund, Subscription, WebhookEvent, WebhookListener,
} from './model';
import { errors } from './errors';

export class SandboxState {
  readonly orders = new Map<string, Order>();
  readonly captures = new Map<string, Capture>();
  readonly refunds = new Map<string, Refund>();
  readonly products = new Map<string, Product>();
  readonly plans = new Map<string, Plan>();
  readonly subscriptions = new Map<string, Subscription>();
  /** Subscriptions by the approval token in their hosted-page link. */
  readonly subscriptionsByToken = new Map<string, string>();
  readonly sales = new Map<string, Sale>();
  readonly saleRefunds = new Map<string, SaleRefund>();
  readonly disputes = new Map<string, Dispute>();
  readonly webhooks = new Map<string, WebhookListener>();
  readonly events = new Map<string, WebhookEvent>();
  /** Access token → expiry (epoch ms). */
  readonly tokens = new Map<string, number>();
}

/** Looks a record up or throws PayPal's 404. */
export function found<T>(map: Map<string, T>, id: string): T {
  const value = map.get(id);
  if (value === undefined) throw errors.notFound();
  return value;
}
