// Fuzz: thousands of random and mutated requests at POST /v1/webhooks/paypal — random bytes, genuine sandbox
// deliveries truncated, bit-flipped or with altered headers, huge and empty bodies, wrong content types. Every
// answer is 2xx or 4xx in the error shape, the server still answers /healthz, and not one row of any table
// changes. A seeded PRNG makes any failure replayable: the seed is in the test name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckout, newAnchor, payOnHostedPage, poll, startHarness, type Harness } from './harness';
import { dumpTables, postWebhook, seededRandom, STACK_TRACE, withTap, type RecordedDelivery, type TableDump } from './support-webhooks';

const SEED = 20_240_611;
const REQUESTS = 2_000;
const CONCURRENCY = 16;
// A bound on the run, generous for a loaded two-core runner; the test's timeout lies beyond it.
const BUDGET_MS = 90_000;

let h: Harness;
/** Genuine deliveries (already applied by the server) to mutate. */
let genuine: RecordedDelivery[] = [];
let before: TableDump;

beforeAll(async () => {
  h = await startHarness();
  // Two purchases, one refunded, recorded on their way to the server; the server applies them first.
  genuine = await withTap(h, { forward: true }, async (tap) => {
    for (const refund of [false, true]) {
      const c = await createCheckout(h, newAnchor());
      await payOnHostedPage(c.approveUrl);
      const view = await poll(h, c, 20);
      if (view.status !== 'completed') throw new Error(`expected completed, got ${view.status}`);
      await h.sandbox.control.settle(10_000);
      if (refund) h.sandbox.control.refundCapture(view.license.transactionId!);
    }
    await h.sandbox.control.settle(10_000);
    return [...tap.deliveries];
  });
  before = dumpTables(h);
});
afterAll(async () => {
  await h?.close();
});

interface Case {
  kind: string;
  headers: Record<string, string>;
  body: Buffer;
}

const PRINTABLE = ' !#$%&()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~';
const CONTENT_TYPES = ['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'application/jsonx', 'text/json', ''];

function generator(random: () => number) {
  const int = (n: number): number => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
  const text = (n: number): string => Array.from({ length: n }, () => pick([...PRINTABLE])).join('');
  const json = (depth: number): unknown => {
    const roll = int(depth > 2 ? 4 : 7);
    if (roll === 0) return text(int(20));
    if (roll === 1) return random() * 1e6 - 5e5;
    if (roll === 2) return pick([true, false, null]);
    if (roll === 3) return int(1000);
    if (roll === 4) return Array.from({ length: int(4) }, () => json(depth + 1));
    const keys = ['id', 'event_type', 'create_time', 'resource', 'custom_id', 'status', 'amount', 'links', '__proto__', 'constructor', text(6)];
    return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(keys), json(depth + 1)]));
  };
  const withHeader = (d: RecordedDelivery, name: string, value: string | undefined): Record<string, string> => {
    const headers = { ...d.headers };
    if (value === undefined) delete headers[name];
    else headers[name] = value;
    return headers;
  };
  const mutateString = (value: string): string => {
    const roll = int(4);
    if (roll === 0 || value.length === 0) return text(1 + int(40));
    const at = int(value.length);
    if (roll === 1) return value.slice(0, at);
    if (roll === 2) return `${value.slice(0, at)}${pick([...PRINTABLE])}${value.slice(at + 1)}`;
    return `${value}${text(1 + int(8))}`;
  };
  const certUrls = (d: RecordedDelivery): string[] => {
    const genuineUrl = d.headers['paypal-cert-url']!;
    return [
      `${genuineUrl}x`,
      genuineUrl.replace('/certs/', '/certs/../'),
      genuineUrl.replace('http://', 'https://'),
      `${new URL(genuineUrl).origin}/v1/oauth2/token`,
      'https://evil.example/v1/notifications/certs/CERT-1',
      'file:///etc/passwd',
      `${genuineUrl}?x=1`,
      text(30),
    ];
  };

  return (): Case => {
    const d = pick(genuine);
    switch (int(10)) {
      case 0:
        return { kind: 'random bytes', headers: { 'content-type': 'application/json' }, body: bytes(int(4096)) };
      case 1:
        return { kind: 'random bytes, genuine headers', headers: d.headers, body: bytes(1 + int(2048)) };
      case 2:
        return { kind: 'random JSON, genuine headers', headers: d.headers, body: Buffer.from(JSON.stringify(json(0)) ?? 'null') };
      case 3:
        return { kind: 'truncated body', headers: d.headers, body: d.body.subarray(0, int(d.body.length)) };
      case 4: {
        const body = Buffer.from(d.body);
        for (let flips = 1 + int(4); flips > 0; flips--) body[int(body.length)]! ^= 1 << int(8);
        return { kind: 'flipped bits', headers: d.headers, body };
      }
      case 5: {
        const name = pick(['paypal-transmission-id', 'paypal-transmission-time', 'paypal-transmission-sig', 'paypal-auth-algo']);
        const mutated = random() < 0.2 ? undefined : mutateString(d.headers[name] ?? '');
        return { kind: `header ${name} ${mutated === undefined ? 'dropped' : 'altered'}`, headers: withHeader(d, name, mutated), body: d.body };
      }
      case 6:
        return { kind: 'certificate URL altered', headers: withHeader(d, 'paypal-cert-url', pick(certUrls(d))), body: d.body };
      case 7: {
        const type = pick(CONTENT_TYPES);
        return { kind: `content type "${type}"`, headers: withHeader(d, 'content-type', type === '' ? undefined : type), body: d.body };
      }
      case 8:
        return random() < 0.1
          ? { kind: 'huge body', headers: d.headers, body: Buffer.alloc(256 * 1024 + 1 + int(64 * 1024), 0x20) }
          : { kind: 'empty body', headers: d.headers, body: Buffer.alloc(0) };
      default:
        // The genuine delivery itself, or under a content type that still means JSON: an already applied event.
        return { kind: 'genuine replay', headers: withHeader(d, 'content-type', pick(['application/json', 'application/json; charset=utf-8', 'Application/JSON'])), body: d.body };
    }
  };
}

describe('webhook fuzz', () => {
  it(`${REQUESTS} random and mutated requests (seed ${SEED}): only 2xx/4xx, still healthy, no row changed`, async () => {
    expect(genuine.length).toBeGreaterThanOrEqual(5);
    const next = generator(seededRandom(SEED));
    const cases = Array.from({ length: REQUESTS }, next);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const deadline = Date.now() + BUDGET_MS;
    let cursor = 0;
    const worker = async (): Promise<void> => {
      // Each worker takes the next case until all are done or the time budget is spent.
      while (cursor < cases.length && Date.now() < deadline) {
        const index = cursor++;
        const c = cases[index]!;
        try {
          const answer = await postWebhook(h, c.headers, c.body);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const ok = answer.status >= 200 && answer.status < 300;
          const shaped = ok
            ? (answer.json as { received?: unknown } | undefined)?.received === true
            : answer.status >= 400 && answer.status < 500 && typeof (answer.json as { error?: { code?: unknown } } | undefined)?.error?.code === 'string';
          if (!shaped || STACK_TRACE.test(answer.text)) failures.push(`#${index} ${c.kind}: ${answer.status} ${answer.text.slice(0, 200)}`);
        } catch (error) {
          failures.push(`#${index} ${c.kind}: request failed: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(failures).toEqual([]);
    expect(cursor, `only ${cursor} of ${REQUESTS} requests sent within ${BUDGET_MS} ms`).toBe(REQUESTS);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(REQUESTS);
    // The mix reached every kind of answer, the genuine replays included.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 401, 413, 415]));
    const health = await fetch(`${h.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(dumpTables(h)).toEqual(before);
  }, BUDGET_MS + 30_000);
});
