// Everything the Paystack stand-in knows, in memory, for the life of one sandbox.
import { NumericIds } from './ids';
import type {
  PaystackCustomer, PaystackDispute, PaystackEvent, PaystackInvoice, PaystackPlan, PaystackRefund,
  PaystackSubscription, PaystackTransaction,
} from './model';

export class PaystackState {
  readonly plans = new Map<string, PaystackPlan>();
  readonly customers = new Map<number, PaystackCustomer>();
  readonly customersByEmail = new Map<string, number>();
  /** By reference; a reference once used is never reused (Duplicate Transaction Reference). */
  readonly transactions = new Map<string, PaystackTransaction>();
  readonly transactionsByAccessCode = new Map<string, string>();
  readonly subscriptions = new Map<string, PaystackSubscription>();
  readonly invoices = new Map<string, PaystackInvoice>();
  readonly refunds = new Map<number, PaystackRefund>();
  readonly disputes = new Map<number, PaystackDispute>();
  readonly events: PaystackEvent[] = [];
  readonly ids = {
    plan: new NumericIds(),
    customer: new NumericIds(),
    transaction: new NumericIds(),
    subscription: new NumericIds(),
    refund: new NumericIds(),
    dispute: new NumericIds(),
  };

  /** A plan by its code or numeric id, as Paystack's GET /plan/:id_or_code takes either. */
  plan(idOrCode: string): PaystackPlan | undefined {
    return this.plans.get(idOrCode) ?? [...this.plans.values()].find((p) => String(p.id) === idOrCode);
  }

  subscription(idOrCode: string): PaystackSubscription | undefined {
    return this.subscriptions.get(idOrCode) ?? [...this.subscriptions.values()].find((s) => String(s.id) === idOrCode);
  }

  transactionById(id: number): PaystackTransaction | undefined {
    return [...this.transactions.values()].find((t) => t.id === id);
  }
}
