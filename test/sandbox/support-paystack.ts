// Shared by the Paystack stand-in's tests: a sandbox whose Paystack webhook URL is a loopback listener, a JSON
// client carrying the secret key, and the steps most tests start from (a transaction initialized and paid on
// the hosted page, a plan, a subscription).
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index';
import { FAST_RETRIES, startListener, type TestListener } from './support-webhooks';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Reply {
  status: number;
  body: Json;
  text: string;
}

export interface PaystackHarness {
  sandbox: Sandbox;
  listener: TestListener;
  /** A Paystack API call with the secret key (`key: null` sends no Authorization header). */
  call(method: string, path: string, options?: { body?: unknown; key?: string | null; form?: boolean }): Promise<Reply>;
  /** Every event body the listener has received so far, parsed. */
  received(): Json[];
  /** Resolves with the first received event named `event` whose data matches, waiting up to 5 s. */
  eventFor(event: string, where?: (data: Json) => boolean): Promise<Json>;
  close(): Promise<void>;
}

export async function startPaystack(options: SandboxOptions = {}): Promise<PaystackHarness> {
  const listener = await startListener();
  const sandbox = await startSandbox({
    port: 0,
    ...FAST_RETRIES,
    ...options,
    paystack: { webhookUrl: listener.url, ...options.paystack },
  });
  const received = (): Json[] => listener.received.map((d) => JSON.parse(d.body) as Json);
  return {
    sandbox,
    listener,
    call: async (method, path, opts = {}) => {
      const headers: Record<string, string> = {};
      const key = opts.key === undefined ? sandbox.paystack.secretKey : opts.key;
      if (key !== null) headers.authorization = `Bearer ${key}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        headers['content-type'] = opts.form ? 'application/x-www-form-urlencoded' : 'application/json';
        body = opts.form
          ? new URLSearchParams(opts.body as Record<string, string>).toString()
          : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      }
      const res = await fetch(`${sandbox.paystack.baseUrl}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: Json = {};
      try {
        parsed = JSON.parse(text) as Json;
      } catch {
        // not JSON: the test reads `text`
      }
      return { status: res.status, body: parsed, text };
    },
    received,
    eventFor: async (event, where = () => true) => {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const found = received().find((e) => e.event === event && where(e.data as Json));
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(`no ${event} received; got ${received().map((e) => String(e.event)).join(', ') || 'nothing'}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: async () => {
      await sandbox.close();
      await listener.close();
    },
  };
}

export async function initialize(h: PaystackHarness, body: Json): Promise<Json> {
  const reply = await h.call('POST', '/transaction/initialize', { body });
  if (reply.status !== 200) throw new Error(`initialize failed: ${reply.status} ${reply.text}`);
  return reply.body.data as Json;
}

export interface Page {
  url: string;
  status: number;
  html: string;
}

export async function openPage(url: string): Promise<Page> {
  const res = await fetch(url, { redirect: 'manual' });
  return { url, status: res.status, html: await res.text() };
}

/** Finds the page's form and the button labelled `label`, and submits it as a browser would. */
export async function press(page: Page, label: 'Pay' | 'Cancel'): Promise<Response> {
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(page.html);
  if (!form?.[1] || form[2] === undefined) throw new Error('no form on the page');
  const button = [...form[2].matchAll(/<button type="submit" name="([^"]+)" value="([^"]+)">([^<]+)<\/button>/g)].find(
    (b) => b[3] === label,
  );
  if (!button?.[1] || !button[2]) throw new Error(`no "${label}" button`);
  return fetch(new URL(form[1].replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))), page.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ [button[1]]: button[2] }).toString(),
    redirect: 'manual',
  });
}

/** Initializes a transaction and pays it on the hosted page; answers the initialize data. */
export async function paidTransaction(h: PaystackHarness, body: Json): Promise<Json> {
  const init = await initialize(h, body);
  const res = await press(await openPage(init.authorization_url as string), 'Pay');
  if (res.status !== 302 && res.status !== 200) throw new Error(`paying failed: ${res.status}`);
  return init;
}

export async function createPlan(h: PaystackHarness, body: Json = {}): Promise<Json> {
  const reply = await h.call('POST', '/plan', { body: { name: 'Enterprise monthly', amount: 500_000, interval: 'monthly', ...body } });
  if (reply.status !== 200) throw new Error(`plan creation failed: ${reply.status} ${reply.text}`);
  return reply.body.data as Json;
}

/** A plan, a transaction on it paid on the hosted page, and the subscription that payment started. */
export async function subscribed(h: PaystackHarness, planBody: Json = {}): Promise<{ plan: Json; reference: string; subscription: Json }> {
  const plan = await createPlan(h, planBody);
  const init = await paidTransaction(h, { email: 'subscriber@example.test', amount: 1, plan: plan.plan_code, callback_url: 'https://merchant.example/cb' });
  const created = await h.eventFor('subscription.create', (d) => d.plan?.plan_code === plan.plan_code);
  const fetched = await h.call('GET', `/subscription/${String(created.data.subscription_code)}`);
  return { plan, reference: init.reference as string, subscription: fetched.body.data as Json };
}

export const DAY_MS = 86_400_000;
