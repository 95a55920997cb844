// Paystack's JSON for each record, key for key as its documented examples show them
// (test/fixtures/paystack/; compared in test/sandbox/paystack-shapes.test.ts).
import type {
  PaystackAuthorization, PaystackCustomer, PaystackDispute, PaystackInvoice, PaystackPlan, PaystackRefund,
  PaystackSubscription, PaystackTransaction,
} from './model';
import type { PaystackState } from './state';
import { cronExpression } from './billing-dates';

type Json = Record<string, unknown>;

/** Paystack's `domain`: every key the sandbox accepts is a test key. */
const DOMAIN = 'test';
/** A documentation address (RFC 5737), never a real payer's. */
const BUYER_IP = '203.0.113.10';
/** Who the refunds are credited to: the integration's user, a reserved domain. */
export const REFUNDED_BY = 'merchant@paystack-sandbox.invalid';

export class PaystackRender {
  constructor(
    private readonly state: PaystackState,
    private readonly integration: number,
  ) {}

  /** The card a payment used: Paystack's published test Visa card, nothing about a real payer. */
  authorization(auth: PaystackAuthorization | undefined): Json {
    if (!auth) return {};
    return {
      authorization_code: auth.authorizationCode,
      bin: '408408',
      last4: '4081',
      exp_month: '12',
      exp_year: '2030',
      channel: 'card',
      card_type: 'visa ',
      bank: 'TEST BANK',
      country_code: 'NG',
      brand: 'visa',
      reusable: true,
      signature: auth.signature,
      account_name: null,
    };
  }

  customer(customer: PaystackCustomer | undefined): Json {
    return {
      id: customer?.id ?? null,
      first_name: null,
      last_name: null,
      email: customer?.email ?? null,
      customer_code: customer?.code ?? null,
      phone: null,
      metadata: null,
      risk_action: 'default',
      international_format_phone: null,
    };
  }

  /** A plan as embedded in events and transactions. */
  planSummary(plan: PaystackPlan): Json {
    return {
      id: plan.id,
      name: plan.name,
      plan_code: plan.code,
      description: plan.description,
      amount: plan.amount,
      interval: plan.interval,
      send_invoices: plan.sendInvoices,
      send_sms: plan.sendSms,
      currency: plan.currency,
    };
  }

  /** POST /plan's answer. */
  createdPlan(plan: PaystackPlan): Json {
    return {
      name: plan.name,
      amount: plan.amount,
      interval: plan.interval,
      integration: this.integration,
      domain: DOMAIN,
      plan_code: plan.code,
      description: plan.description,
      invoice_limit: plan.invoiceLimit,
      send_invoices: plan.sendInvoices,
      send_sms: plan.sendSms,
      hosted_page: false,
      currency: plan.currency,
      id: plan.id,
      createdAt: plan.createdAt,
      updatedAt: plan.updatedAt,
    };
  }

  /** GET /plan and GET /plan/:id_or_code; the list embeds each plan's subscriptions. */
  plan(plan: PaystackPlan, withSubscriptions: boolean): Json {
    const subscriptions = withSubscriptions
      ? [...this.state.subscriptions.values()].filter((s) => s.planCode === plan.code).map((s) => this.subscriptionRow(s))
      : [];
    return {
      subscriptions,
      integration: this.integration,
      domain: DOMAIN,
      name: plan.name,
      plan_code: plan.code,
      description: plan.description,
      amount: plan.amount,
      interval: plan.interval,
      invoice_limit: plan.invoiceLimit,
      send_invoices: plan.sendInvoices,
      send_sms: plan.sendSms,
      hosted_page: false,
      hosted_page_url: null,
      hosted_page_summary: null,
      currency: plan.currency,
      id: plan.id,
      createdAt: plan.createdAt,
      updatedAt: plan.updatedAt,
    };
  }

  private fees(tx: PaystackTransaction): number | null {
    if (tx.status === 'abandoned' || tx.status === 'failed') return null;
    // Paystack's local card pricing: 1.5%, plus 100 from 2,500 up, capped at 2,000 (in subunits).
    return Math.min(Math.round(tx.amount * 0.015) + (tx.amount >= 250_000 ? 10_000 : 0), 200_000);
  }

  private log(tx: PaystackTransaction): Json | null {
    if (tx.status === 'abandoned') return null;
    const paid = tx.status !== 'failed';
    return {
      start_time: Math.floor(Date.parse(tx.createdAt) / 1000),
      time_spent: 4,
      attempts: 1,
      authentication: null,
      errors: paid ? 0 : 1,
      success: paid,
      mobile: false,
      input: [],
      channel: null,
      history: [
        { type: 'action', message: 'Attempted to pay with card', time: 3 },
        paid
          ? { type: 'success', message: 'Successfully paid with card', time: 4 }
          : { type: 'error', message: 'Error: Declined', time: 4 },
      ],
    };
  }

  /**
   * A transaction. `verify` is GET /transaction/verify/:reference (plan as its code, the plan itself in
   * plan_object); `fetch` is GET /transaction/:id and the charge.success event (plan as an object, {} if none).
   */
  transaction(tx: PaystackTransaction, view: 'verify' | 'fetch'): Json {
    const plan = tx.planCode ? this.state.plans.get(tx.planCode) : undefined;
    const planObject = plan ? this.planSummary(plan) : {};
    return {
      id: tx.id,
      domain: DOMAIN,
      status: tx.status,
      reference: tx.reference,
      receipt_number: null,
      amount: tx.amount,
      message: null,
      gateway_response: tx.gatewayResponse,
      helpdesk_link: null,
      paid_at: tx.paidAt,
      created_at: tx.createdAt,
      channel: 'card',
      currency: tx.currency,
      ip_address: tx.status === 'abandoned' ? null : BUYER_IP,
      metadata: tx.metadata,
      log: this.log(tx),
      fees: this.fees(tx),
      fees_split: null,
      authorization: this.authorization(tx.authorization),
      customer: this.customer(this.state.customers.get(tx.customerId)),
      plan: view === 'verify' ? (plan?.code ?? null) : planObject,
      split: {},
      order_id: null,
      paidAt: tx.paidAt,
      createdAt: tx.createdAt,
      requested_amount: tx.amount,
      pos_transaction_data: null,
      source: null,
      fees_breakdown: null,
      connect: null,
      transaction_date: tx.createdAt,
      ...(view === 'verify' ? { plan_object: planObject } : {}),
      subaccount: {},
    };
  }

  /** A transaction as dispute bodies embed it: no card, no customer beyond a phone placeholder. */
  private transactionStub(tx: PaystackTransaction | undefined, view: 'event' | 'api'): Json {
    return {
      id: tx?.id ?? null,
      domain: DOMAIN,
      status: tx?.status ?? null,
      reference: tx?.reference ?? null,
      amount: tx?.amount ?? null,
      message: null,
      gateway_response: tx?.gatewayResponse ?? null,
      paid_at: tx?.paidAt ?? null,
      created_at: tx?.createdAt ?? null,
      channel: 'card',
      currency: tx?.currency ?? null,
      ip_address: null,
      metadata: tx?.metadata ?? '',
      log: null,
      fees: tx ? this.fees(tx) : null,
      fees_split: null,
      authorization: {},
      customer: { international_format_phone: null },
      plan: {},
      subaccount: {},
      split: {},
      order_id: null,
      paidAt: tx?.paidAt ?? null,
      ...(view === 'api' ? { createdAt: tx?.createdAt ?? null } : {}),
      requested_amount: tx?.amount ?? null,
      pos_transaction_data: null,
    };
  }

  /** A subscription as GET /plan lists it under its plan. */
  private subscriptionRow(sub: PaystackSubscription): Json {
    return {
      customer: sub.customerId,
      plan: this.state.plans.get(sub.planCode)?.id ?? null,
      integration: this.integration,
      domain: DOMAIN,
      start: sub.start,
      status: sub.status,
      quantity: 1,
      amount: sub.amount,
      subscription_code: sub.code,
      email_token: sub.emailToken,
      authorization: this.authorization(sub.authorization),
      easy_cron_id: null,
      cron_expression: this.cron(sub),
      next_payment_date: sub.nextPaymentDate,
      open_invoice: sub.openInvoice ?? null,
      id: sub.id,
      createdAt: sub.createdAt,
      updatedAt: sub.updatedAt,
    };
  }

  private cron(sub: PaystackSubscription): string {
    const plan = this.state.plans.get(sub.planCode);
    return plan ? cronExpression(plan.interval, sub.createdAt) : '0 0 * * *';
  }

  /** GET /subscription/:id_or_code. */
  subscription(sub: PaystackSubscription): Json {
    const plan = this.state.plans.get(sub.planCode);
    const customer = this.state.customers.get(sub.customerId);
    return {
      invoices: sub.invoiceCodes.flatMap((code) => {
        const invoice = this.state.invoices.get(code);
        return invoice ? [this.invoiceRow(invoice)] : [];
      }),
      customer: {
        first_name: null,
        last_name: null,
        email: customer?.email ?? null,
        phone: null,
        metadata: null,
        domain: DOMAIN,
        customer_code: customer?.code ?? null,
        id: sub.customerId,
        integration: this.integration,
        createdAt: customer?.createdAt ?? sub.createdAt,
        updatedAt: customer?.createdAt ?? sub.createdAt,
      },
      plan: plan
        ? {
            domain: DOMAIN,
            name: plan.name,
            plan_code: plan.code,
            description: plan.description,
            amount: plan.amount,
            interval: plan.interval,
            send_invoices: plan.sendInvoices,
            send_sms: plan.sendSms,
            hosted_page: false,
            hosted_page_url: null,
            hosted_page_summary: null,
            currency: plan.currency,
            id: plan.id,
            integration: this.integration,
            createdAt: plan.createdAt,
            updatedAt: plan.updatedAt,
          }
        : {},
      integration: this.integration,
      authorization: this.authorization(sub.authorization),
      domain: DOMAIN,
      start: sub.start,
      status: sub.status,
      quantity: 1,
      amount: sub.amount,
      subscription_code: sub.code,
      email_token: sub.emailToken,
      easy_cron_id: null,
      cron_expression: this.cron(sub),
      next_payment_date: sub.nextPaymentDate,
      open_invoice: sub.openInvoice ?? null,
      invoice_limit: plan?.invoiceLimit ?? 0,
      most_recent_invoice: this.mostRecentInvoice(sub),
      id: sub.id,
      createdAt: sub.createdAt,
      updatedAt: sub.updatedAt,
    };
  }

  /** subscription.create / .not_renew / .disable data. */
  subscriptionEvent(sub: PaystackSubscription): Json {
    const plan = this.state.plans.get(sub.planCode);
    return {
      id: sub.id,
      domain: DOMAIN,
      status: sub.status,
      subscription_code: sub.code,
      email_token: sub.emailToken,
      amount: sub.amount,
      cron_expression: this.cron(sub),
      next_payment_date: sub.nextPaymentDate,
      open_invoice: sub.openInvoice ?? null,
      integration: this.integration,
      createdAt: sub.createdAt,
      plan: plan ? this.planSummary(plan) : {},
      authorization: this.authorization(sub.authorization),
      customer: this.customer(this.state.customers.get(sub.customerId)),
      invoices: [],
      invoices_history: [],
      invoice_limit: plan?.invoiceLimit ?? 0,
      split_code: null,
      most_recent_invoice: this.mostRecentInvoice(sub),
      created_at: sub.createdAt,
    };
  }

  /** The subscription's latest invoice (paid or not), as Paystack's subscription bodies name it; null before any. */
  private mostRecentInvoice(sub: PaystackSubscription): Json | null {
    const code = sub.invoiceCodes[sub.invoiceCodes.length - 1];
    const invoice = code === undefined ? undefined : this.state.invoices.get(code);
    return invoice ? this.invoiceRow(invoice) : null;
  }

  private invoiceRow(invoice: PaystackInvoice): Json {
    return {
      invoice_code: invoice.code,
      amount: invoice.amount,
      period_start: invoice.periodStart,
      period_end: invoice.periodEnd,
      status: invoice.status,
      paid: invoice.status === 'success',
      paid_at: invoice.paidAt,
      created_at: invoice.createdAt,
    };
  }

  /** invoice.create / invoice.update / invoice.payment_failed data. */
  invoiceEvent(invoice: PaystackInvoice): Json {
    const sub = this.state.subscriptions.get(invoice.subscriptionCode);
    const tx = invoice.transactionReference ? this.state.transactions.get(invoice.transactionReference) : undefined;
    return {
      domain: DOMAIN,
      invoice_code: invoice.code,
      amount: invoice.amount,
      period_start: invoice.periodStart,
      period_end: invoice.periodEnd,
      status: invoice.status === 'failed' ? 'pending' : invoice.status,
      paid: invoice.status === 'success',
      paid_at: invoice.paidAt,
      description: null,
      authorization: this.authorization(sub?.authorization),
      subscription: sub
        ? {
            status: sub.status,
            subscription_code: sub.code,
            email_token: sub.emailToken,
            amount: sub.amount,
            cron_expression: this.cron(sub),
            next_payment_date: sub.nextPaymentDate,
            open_invoice: sub.openInvoice ?? null,
          }
        : {},
      customer: this.customer(sub ? this.state.customers.get(sub.customerId) : undefined),
      transaction: tx && tx.status !== 'failed'
        ? { reference: tx.reference, status: tx.status, amount: tx.amount, currency: tx.currency }
        : {},
      created_at: invoice.createdAt,
    };
  }

  /** POST /refund's answer. */
  createdRefund(refund: PaystackRefund): Json {
    const tx = this.state.transactions.get(refund.transactionReference);
    return {
      transaction: {
        id: tx?.id ?? null,
        domain: DOMAIN,
        reference: refund.transactionReference,
        amount: tx?.amount ?? null,
        paid_at: tx?.paidAt ?? null,
        channel: 'card',
        currency: refund.currency,
        authorization: { exp_month: '12', exp_year: '2030', account_name: null },
        customer: { international_format_phone: null },
        plan: {},
        subaccount: { currency: null },
        split: {},
        order_id: null,
        paidAt: tx?.paidAt ?? null,
        pos_transaction_data: null,
        source: null,
        fees_breakdown: null,
      },
      integration: this.integration,
      deducted_amount: 0,
      channel: null,
      merchant_note: refund.merchantNote,
      customer_note: refund.customerNote,
      status: refund.status,
      refunded_by: REFUNDED_BY,
      expected_at: refund.expectedAt,
      currency: refund.currency,
      domain: DOMAIN,
      amount: refund.amount,
      fully_deducted: false,
      id: refund.id,
      createdAt: refund.createdAt,
      updatedAt: refund.updatedAt,
    };
  }

  /** GET /refund/:id and GET /refund's rows. */
  refund(refund: PaystackRefund): Json {
    const tx = this.state.transactions.get(refund.transactionReference);
    const processed = refund.status === 'processed';
    return {
      integration: this.integration,
      transaction: tx?.id ?? null,
      dispute: null,
      settlement: null,
      domain: DOMAIN,
      amount: refund.amount,
      deducted_amount: processed ? refund.amount : 0,
      fully_deducted: processed,
      currency: refund.currency,
      channel: 'card',
      status: refund.status,
      refunded_by: REFUNDED_BY,
      refunded_at: refund.refundedAt,
      expected_at: refund.expectedAt,
      customer_note: refund.customerNote,
      merchant_note: refund.merchantNote,
      id: refund.id,
      createdAt: refund.createdAt,
      updatedAt: refund.updatedAt,
    };
  }

  /** refund.pending / .processing / .processed / .failed data. The amount is a string in Paystack's pending and
   *  processed examples and a number in its failed one; each is sent as documented. */
  refundEvent(refund: PaystackRefund): Json {
    return {
      status: refund.status,
      transaction_reference: refund.transactionReference,
      refund_reference: refund.status === 'pending' ? null : `RFN${refund.id}`,
      amount: refund.status === 'failed' ? refund.amount : String(refund.amount),
      currency: refund.currency,
      processor: 'sandbox',
      customer: { first_name: null, last_name: null, email: this.customerOf(refund.transactionReference)?.email ?? null },
      integration: this.integration,
      domain: DOMAIN,
    };
  }

  private customerOf(reference: string): PaystackCustomer | undefined {
    const tx = this.state.transactions.get(reference);
    return tx ? this.state.customers.get(tx.customerId) : undefined;
  }

  /** charge.dispute.create / .resolve data (`event`: created_at, updated_at) and GET /dispute/:id (`api`:
   *  createdAt, updatedAt), as Paystack's examples write them. */
  dispute(dispute: PaystackDispute, view: 'event' | 'api' = 'event'): Json {
    const tx = this.state.transactions.get(dispute.transactionReference);
    const customer = this.customerOf(dispute.transactionReference);
    return {
      id: dispute.id,
      refund_amount: dispute.refundAmount,
      currency: dispute.currency,
      status: dispute.status,
      resolution: dispute.resolution,
      domain: DOMAIN,
      transaction: this.transactionStub(tx, view),
      transaction_reference: null,
      category: dispute.category,
      customer: this.customer(customer),
      bin: '408408',
      last4: '4081',
      dueAt: dispute.dueAt,
      resolvedAt: dispute.resolvedAt,
      evidence: null,
      attachments: null,
      note: null,
      history: [{ status: 'pending', by: customer?.email ?? null, createdAt: dispute.createdAt }],
      messages: [{ sender: customer?.email ?? null, body: dispute.message, createdAt: dispute.createdAt }],
      ...(view === 'event'
        ? { created_at: dispute.createdAt, updated_at: dispute.updatedAt }
        : { createdAt: dispute.createdAt, updatedAt: dispute.updatedAt }),
    };
  }
}
