// Shared by the subscriptions tests: a sandbox with seeded plans, an authorised JSON client, and the
// published events read back through PayPal's Events API.
import { AdjustableClock } from '../../common/clock';
import { startSandbox, type Sandbox, type SandboxOptions, type SeedPlan } from '../../sandbox/index';
import { grantToken } from './support-auth';

/** 2026-01-31T10:00:00Z: a month end, so monthly billing has to clamp to the end of February. */
export const T0 = Date.UTC(2026, 0, 31, 10, 0, 0);
export const DAY_MS = 86_400_000;

export const MONTHLY_PLAN: SeedPlan & { id: string } = {
  id: 'P-HARDBOUNDMONTHLY0000000',
  productName: 'Hardbound Enterprise',
  name: 'Enterprise monthly',
  interval: { unit: 'MONTH', count: 1 },
  price: { currency_code: 'USD', value: '9.00' },
  paymentFailureThreshold: 2,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- PayPal's JSON, asserted field by field
export type PayPalJson = any;

export interface Reply {
  status: number;
  headers: Headers;
  body: PayPalJson;
}

export interface Harness {
  sandbox: Sandbox;
  /** A JSON request with the access token (none for /__sandbox/); a string body is sent verbatim. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Events of one type in the order they were published (the Events API lists newest first). */
  events(eventType: string): Promise<PayPalJson[]>;
  /** A subscription on `planId` awaiting approval, with return and cancel URLs. */
  createSubscription(overrides?: Record<string, unknown>, planId?: string): Promise<PayPalJson>;
  close(): Promise<void>;
}

/** A sandbox whose clock stands still at T0 unless a test moves it. */
export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({
    port: 0,
    plans: [MONTHLY_PLAN],
    clock: new AdjustableClock({ now: () => T0 }),
    retryDelaysMs: [],
    ...options,
  });
  // Tests move the sandbox clock by months, so a token is renewed once it has expired on that clock.
  let token = await clockedToken(sandbox);
  const currentToken = async (): Promise<string> => {
    if (sandbox.clock.now() >= token.expiresAt) token = await clockedToken(sandbox);
    return token.value;
  };

  const call: Harness['call'] = async (method, path, body, headers = {}) => {
    const response = await fetch(`${sandbox.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(path.startsWith('/__sandbox/') ? {} : { authorization: `Bearer ${await currentToken()}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.includes('json') ?? false;
    return { status: response.status, headers: response.headers, body: isJson && text ? JSON.parse(text) : text };
  };

  return {
    sandbox,
    call,
    events: async (eventType) => {
      const reply = await call('GET', `/v1/notifications/webhooks-events?page_size=300&event_type=${eventType}`);
      if (reply.status !== 200) throw new Error(`events API answered ${reply.status}`);
      return [...(reply.body.events as PayPalJson[])].reverse();
    },
    createSubscription: async (overrides = {}, planId = MONTHLY_PLAN.id) => {
      const reply = await call('POST', '/v1/billing/subscriptions', {
        plan_id: planId,
        custom_id: 'chk_123',
        application_context: {
          brand_name: 'Hardbound',
          return_url: 'https://app.example.com/checkout/return?from=paypal',
          cancel_url: 'https://app.example.com/checkout/cancel',
        },
        ...overrides,
      });
      if (reply.status !== 201) throw new Error(`create subscription answered ${reply.status}: ${JSON.stringify(reply.body)}`);
      return reply.body;
    },
    close: () => sandbox.close(),
  };
}

/** A token and when it expires on the sandbox clock. */
async function clockedToken(sandbox: Sandbox): Promise<{ value: string; expiresAt: number }> {
  const { accessToken, expiresInSeconds } = await grantToken(sandbox);
  return { value: accessToken, expiresAt: sandbox.clock.now() + expiresInSeconds * 1000 };
}
