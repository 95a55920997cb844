// Shared by the webhooks and delivery tests: a sandbox with a compressed retry schedule, an authorized API
// caller, and a loopback listener that records every request it receives.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index';
import { accessToken } from './support-auth';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** What the listener answers: a status, or 'hang' to never answer (the sender's timeout ends it). */
export type ListenerReply = number | 'hang';

export interface TestListener {
  url: string;
  received: ReceivedDelivery[];
  /** Decides the answer to the n-th request (0-based); 200 unless set. */
  reply: (n: number, delivery: ReceivedDelivery) => ListenerReply;
  /** Resolves once `count` requests have arrived; rejects after timeoutMs. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedDelivery[]>;
  close(): Promise<void>;
}

export async function startListener(): Promise<TestListener> {
  const waiters = new Set<() => void>();
  const listener: TestListener = {
    url: '',
    received: [],
    reply: () => 200,
    waitFor: (count, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (listener.received.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(listener.received.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`listener got ${listener.received.length} of ${count} deliveries`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const delivery = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
      const n = listener.received.length;
      listener.received.push(delivery);
      const answer = listener.reply(n, delivery);
      if (answer !== 'hang') res.writeHead(answer).end();
      for (const check of [...waiters]) check();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  listener.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/paypal`;
  return listener;
}

export const FAST_RETRIES: Pick<SandboxOptions, 'retryDelaysMs' | 'deliveryTimeoutMs'> = {
  retryDelaysMs: [20, 20, 20],
  deliveryTimeoutMs: 1_000,
};

export interface Api {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }>;
}

export async function apiFor(sandbox: Sandbox): Promise<Api> {
  const token = await accessToken(sandbox);
  return {
    call: async (method, path, body) => {
      const response = await fetch(`${sandbox.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, json, text };
    },
  };
}

export async function registerWebhook(api: Api, url: string, eventTypes: string[] = ['*']): Promise<string> {
  const created = await api.call('POST', '/v1/notifications/webhooks', {
    url,
    event_types: eventTypes.map((name) => ({ name })),
  });
  if (created.status !== 201) throw new Error(`webhook registration failed: ${created.status} ${created.text}`);
  return (created.json as { id: string }).id;
}

/** A sandbox, an API caller and one listener registered for every event; close() tears all down. */
export async function webhookHarness(options: SandboxOptions = {}): Promise<{
  sandbox: Sandbox;
  api: Api;
  listener: TestListener;
  webhookId: string;
  close(): Promise<void>;
}> {
  const sandbox = await startSandbox({ port: 0, ...FAST_RETRIES, ...options });
  const listener = await startListener();
  const api = await apiFor(sandbox);
  const webhookId = await registerWebhook(api, listener.url);
  return {
    sandbox,
    api,
    listener,
    webhookId,
    close: async () => {
      await sandbox.close();
      await listener.close();
    },
  };
}

/** An event in PayPal's envelope, as the orders module would publish it. */
export function sampleEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `WH-TEST${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_version: '1.0',
    create_time: new Date().toISOString(),
    resource_type: 'capture',
    resource_version: '2.0',
    event_type: 'PAYMENT.CAPTURE.COMPLETED',
    summary: 'Payment completed for $ 49.0 USD',
    resource: {
      id: '2GG279541U471931P',
      status: 'COMPLETED',
      amount: { currency_code: 'USD', value: '49.00' },
      custom_id: 'chk_123',
      supplementary_data: { related_ids: { order_id: '5O190127TN364715T' } },
    },
    ...overrides,
  };
}
