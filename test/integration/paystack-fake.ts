// A small in-test Paystack: the calls the server makes (transaction initialize and verify, subscriptions, refunds,
// disputes), in Paystack's documented shapes (test/fixtures/paystack/), with the customer's e-mail where Paystack
// puts it, so what the server keeps and logs is tested against real PII. Not the sandbox's stand-in: the tests
// steer it directly (pay, renew, change a subscription, refund, dispute) and sign deliveries with the secret key.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signBody } from '../../server/providers/paystack/signature';

export const PAYSTACK_TEST_KEY = 'sk_test_hardboundfake0123456789';

interface Transaction {
  id: number;
  reference: string;
  status: string;
  amount: number;
  currency: string;
  plan: string | null;
  metadata: unknown;
  email: string;
  customerId: number;
  paidAt: string | null;
  createdAt: string;
}

interface Subscription {
  code: string;
  status: string;
  plan: string;
  amount: number;
  customerId: number;
  email: string;
  emailToken: string;
  nextPaymentDate: string;
  createdAt: string;
  latestInvoice: string | null;
  /** The transaction that started it. */
  firstReference: string;
}

interface Refund { id: number; transaction: number; status: string; amount: number; currency: string; createdAt: string }
interface Dispute { id: number; reference: string; status: string; resolution: string | null; createdAt: string; resolvedAt: string | null }

const MONTH = 30 * 86_400_000;
const code = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

export class FakePaystack {
  readonly transactions = new Map<string, Transaction>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly refunds: Refund[] = [];
  readonly disputes = new Map<number, Dispute>();
  /** Every call, as "METHOD /path" (query left out). */
  readonly calls: string[] = [];
  private readonly customers = new Map<string, number>();
  private nextId = 4_000_000;
  private server!: Server;
  baseUrl = '';
  /** A misbehaving API: GET /transaction answers every customer's transactions, whatever the filter. */
  ignoreCustomerFilter = false;
  /** now(): the fake's clock, for dates it reports. */
  constructor(private readonly now: () => number = Date.now) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  // ---- what the buyer, the bank and Paystack's staff do ------------------------------------------------------

  /** The buyer pays on the checkout page: the transaction succeeds, with a subscription when it has a plan. */
  pay(reference: string, change: Partial<Pick<Transaction, 'amount' | 'currency' | 'status' | 'plan'>> = {}, options: { subscriptionLater?: boolean } = {}): Transaction {
    const tx = this.mustTx(reference);
    Object.assign(tx, { status: 'success', paidAt: this.iso(), ...change });
    if (!options.subscriptionLater) this.startSubscription(reference);
    return tx;
  }

  /** Paystack creates the subscription a paid plan transaction starts (pay does, unless told to leave it for later). */
  startSubscription(reference: string): Subscription | undefined {
    const tx = this.mustTx(reference);
    if (tx.plan && tx.status === 'success') {
      const subscription: Subscription = {
        code: code('SUB'), status: 'active', plan: tx.plan, amount: tx.amount, customerId: tx.customerId, email: tx.email,
        emailToken: randomBytes(8).toString('hex'), nextPaymentDate: this.iso(MONTH), createdAt: this.iso(), latestInvoice: null,
        firstReference: tx.reference,
      };
      this.subscriptions.set(subscription.code, subscription);
      return subscription;
    }
    return undefined;
  }

  /** A transaction the fake made itself (another customer's payment, a forger's own, a renewal). */
  addTransaction(fields: Partial<Transaction> & { email?: string }): Transaction {
    const email = fields.email ?? 'someone.else@example.com';
    const tx: Transaction = {
      id: this.nextId++, reference: code('T'), status: 'success', amount: 900, currency: 'USD', plan: null, metadata: '',
      email, customerId: this.customer(email), paidAt: this.iso(), createdAt: this.iso(), ...fields,
    };
    this.transactions.set(tx.reference, tx);
    return tx;
  }

  /** Paystack charges the subscription again: a new transaction, the next payment date a period on. */
  renew(subscriptionCode: string): { transaction: Transaction; invoiceCode: string } {
    const s = this.mustSub(subscriptionCode);
    const transaction = this.addTransaction({ amount: s.amount, currency: this.currencyOf(s), plan: s.plan, email: s.email, customerId: s.customerId });
    s.nextPaymentDate = new Date(Date.parse(s.nextPaymentDate) + MONTH).toISOString();
    s.latestInvoice = code('INV');
    return { transaction, invoiceCode: s.latestInvoice };
  }

  /** The subscription the payment under `reference` started. */
  subscriptionOf(reference: string): Subscription | undefined {
    return [...this.subscriptions.values()].find((s) => s.firstReference === reference);
  }

  refund(reference: string, amount?: number): Refund {
    const tx = this.mustTx(reference);
    const refund: Refund = { id: this.nextId++, transaction: tx.id, status: 'processed', amount: amount ?? tx.amount, currency: tx.currency, createdAt: this.iso() };
    this.refunds.push(refund);
    if (refund.amount >= tx.amount) tx.status = 'reversed';
    return refund;
  }

  openDispute(reference: string): Dispute {
    const dispute: Dispute = { id: this.nextId++, reference, status: 'awaiting-merchant-feedback', resolution: null, createdAt: this.iso(), resolvedAt: null };
    this.disputes.set(dispute.id, dispute);
    return dispute;
  }

  resolveDispute(id: number, resolution: 'merchant-accepted' | 'declined' | 'auto-accepted'): void {
    Object.assign(this.disputes.get(id)!, { status: 'resolved', resolution, resolvedAt: this.iso() });
  }

  /** A delivery as Paystack sends it: the body and its x-paystack-signature. */
  sign(body: unknown, key = PAYSTACK_TEST_KEY): { body: string; headers: Record<string, string> } {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return { body: text, headers: { 'content-type': 'application/json', 'x-paystack-signature': signBody(key, text) } };
  }

  // ---- the API -------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    this.calls.push(`${req.method} ${url.pathname}`);
    if (req.headers.authorization !== `Bearer ${PAYSTACK_TEST_KEY}`) return { status: 401, body: { status: false, message: 'Invalid key' } };
    const body = req.method === 'POST' ? JSON.parse(await text(req)) as Record<string, unknown> : {};
    const ok = (data: unknown, message = 'OK') => ({ status: 200, body: { status: true, message, data } });
    const missing = (message: string, c = 'not_found') => ({ status: 400, body: { status: false, message, code: c } });
    const path = url.pathname;
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/transaction/initialize') {
      const reference = String(body.reference);
      if (this.transactions.has(reference)) return { status: 400, body: { status: false, message: 'Duplicate Transaction Reference', code: 'duplicate_reference' } };
      const email = String(body.email);
      const tx = this.addTransaction({
        reference, status: 'abandoned', amount: Number(body.amount), currency: String(body.currency), plan: typeof body.plan === 'string' ? body.plan : null,
        metadata: body.metadata, email, paidAt: null,
      });
      const access = randomBytes(5).toString('hex');
      return ok({ authorization_url: `${this.baseUrl}/checkout/${access}`, access_code: access, reference: tx.reference }, 'Authorization URL created');
    }
    if (req.method === 'GET' && (m = /^\/transaction\/verify\/([^/]+)$/.exec(path))) {
      const tx = this.transactions.get(decodeURIComponent(m[1]!));
      return tx ? ok(this.txBody(tx), 'Verification successful') : missing('Transaction reference not found', 'transaction_not_found');
    }
    if (req.method === 'GET' && path === '/transaction') {
      const customer = Number(url.searchParams.get('customer'));
      return ok([...this.transactions.values()].filter((t) => this.ignoreCustomerFilter || t.customerId === customer).reverse().map((t) => this.txBody(t)));
    }
    if (req.method === 'GET' && path === '/subscription') {
      const customer = Number(url.searchParams.get('customer'));
      return ok([...this.subscriptions.values()].filter((s) => s.customerId === customer).map((s) => this.subBody(s)));
    }
    if (req.method === 'GET' && (m = /^\/subscription\/([^/]+)$/.exec(path))) {
      const s = this.subscriptions.get(decodeURIComponent(m[1]!));
      return s ? { status: 200, body: { status: true, message: 'Subscription retrieved successfully', data: this.subBody(s) } } : { status: 404, body: { status: false, message: 'Subscription not found' } };
    }
    if (req.method === 'POST' && path === '/subscription/disable') {
      const s = this.subscriptions.get(String(body.code));
      if (!s || s.emailToken !== body.token) return missing('Subscription with code not found or already inactive');
      s.status = 'cancelled';
      return { status: 200, body: { status: true, message: 'Subscription disabled successfully' } };
    }
    if (req.method === 'POST' && path === '/refund') {
      const tx = this.transactions.get(String(body.transaction));
      if (!tx) return missing('Transaction reference not found', 'transaction_not_found');
      return ok(this.refundBody(this.refund(tx.reference)), 'Refund has been queued for processing');
    }
    if (req.method === 'GET' && path === '/refund') {
      const transaction = Number(url.searchParams.get('transaction'));
      return ok(this.refunds.filter((r) => r.transaction === transaction).map((r) => this.refundBody(r)));
    }
    if (req.method === 'GET' && (m = /^\/dispute\/(\d+)$/.exec(path))) {
      const d = this.disputes.get(Number(m[1]));
      if (!d) return { status: 404, body: { status: false, message: 'Dispute not found' } };
      const tx = this.transactions.get(d.reference);
      return ok({ id: d.id, status: d.status, resolution: d.resolution, transaction: tx ? this.txBody(tx) : null, createdAt: d.createdAt, resolvedAt: d.resolvedAt });
    }
    return { status: 404, body: { status: false, message: 'Not found' } };
  }

  private txBody(tx: Transaction) {
    return {
      id: tx.id, domain: 'test', status: tx.status, reference: tx.reference, amount: tx.amount, gateway_response: 'Successful',
      paid_at: tx.paidAt, created_at: tx.createdAt, channel: 'card', currency: tx.currency, metadata: tx.metadata,
      customer: { id: tx.customerId, first_name: 'Ada', last_name: 'Obi', email: tx.email, customer_code: `CUS_${tx.customerId}`, phone: '+2348100000000' },
      authorization: { authorization_code: 'AUTH_fake', bin: '408408', last4: '4081', account_name: 'Ada Obi' },
      plan: tx.plan ? { plan_code: tx.plan } : null, paidAt: tx.paidAt, createdAt: tx.createdAt, requested_amount: tx.amount,
    };
  }

  private subBody(s: Subscription) {
    return {
      customer: { id: s.customerId, first_name: 'Ada', last_name: 'Obi', email: s.email, customer_code: `CUS_${s.customerId}` },
      plan: { plan_code: s.plan, amount: s.amount, interval: 'monthly', currency: 'USD' },
      status: s.status, amount: s.amount, subscription_code: s.code, email_token: s.emailToken, next_payment_date: s.nextPaymentDate,
      most_recent_invoice: s.latestInvoice ? { invoice_code: s.latestInvoice } : null, createdAt: s.createdAt,
    };
  }

  private refundBody(r: Refund) {
    return { id: r.id, transaction: r.transaction, status: r.status, amount: r.amount, currency: r.currency, createdAt: r.createdAt, refunded_by: 'staff@merchant.example' };
  }

  private customer(email: string): number {
    if (!this.customers.has(email)) this.customers.set(email, this.nextId++);
    return this.customers.get(email)!;
  }

  private currencyOf(s: Subscription): string {
    return [...this.transactions.values()].find((t) => t.plan === s.plan && t.customerId === s.customerId)?.currency ?? 'USD';
  }

  private mustTx(reference: string): Transaction {
    const tx = this.transactions.get(reference);
    if (!tx) throw new Error(`no transaction ${reference}`);
    return tx;
  }

  private mustSub(c: string): Subscription {
    const s = this.subscriptions.get(c);
    if (!s) throw new Error(`no subscription ${c}`);
    return s;
  }

  private iso(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString();
  }
}

function text(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
