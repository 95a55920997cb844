// The HTTP contract is declared once (common/api.ts): GET /openapi.json publishes it as a valid OpenAPI 3.1
// document naming every route the server serves; the server validates requests with it, errors keep the
// API's shape and code; and the app's answer checks use the very same schemas, so that one change to a
// schema is seen by both sides.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { API_ROUTES, CreateCheckoutRequest, RefreshResponse, type ApiErrorBody, type CheckoutView, type RefreshResponse as Refreshed } from '../../common/api';
import { EntitlementToken } from '../../common/entitlement';
import { asRefreshed } from '../../main/license/response-shapes';
import { createCheckout, newAnchor, payOnHostedPage, poll, refresh, startHarness, type Harness } from './harness';

const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});
async function harness(): Promise<Harness> {
  const h = await startHarness();
  harnesses.push(h);
  return h;
}

type OpenApi = { openapi: string; paths: Record<string, Record<string, { operationId?: string; requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };

/** fastify's /v1/checkouts/:id is OpenAPI's /v1/checkouts/{id}. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document that names every route the server serves, with the contract\'s schemas', async () => {
    const h = await harness();
    const res = await h.api<OpenApi>('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const verdict = await validator.validate(doc as never);
    expect(verdict.errors ?? [], JSON.stringify(verdict.errors)).toEqual([]);
    expect(verdict.valid).toBe(true);
    expect(validator.version).toBe('3.1');

    const served = h.server.routes.map((r) => `${r.method} ${openApiPath(r.url)}`).sort();
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    expect(documented).toEqual(served);
    for (const route of Object.values(API_ROUTES)) {
      expect(served, `${route.method} ${route.url}`).toContain(`${route.method} ${openApiPath(route.url)}`);
      expect(doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()]?.operationId).toBe(route.schema.operationId);
    }
    // The published request and answer schemas are the contract's own.
    const create = doc.paths['/v1/checkouts']!.post!;
    expect(create.requestBody!.content['application/json']!.schema).toMatchObject(JSON.parse(JSON.stringify(CreateCheckoutRequest)));
    expect(doc.paths['/v1/entitlements/refresh']!.post!.responses['200']!.content!['application/json']!.schema)
      .toMatchObject(JSON.parse(JSON.stringify(RefreshResponse)));
  });
});

describe('validation by the contract', () => {
  it('refuses what the schemas refuse, in the API\'s error shape, with the code the schema names', async () => {
    const h = await harness();
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/v1/checkouts', { anchor: 'short', plan: 'enterprise-lifetime' }, 400, 'invalid_anchor'],
      ['POST', '/v1/checkouts', { anchor: newAnchor() }, 400, 'bad_request'],
      ['POST', '/v1/checkouts', [1, 2], 400, 'bad_request'],
      ['POST', '/v1/checkouts', { anchor: newAnchor(), plan: 7 }, 400, 'bad_request'],
      ['GET', '/v1/checkouts/chk_x?wait=31', undefined, 400, 'bad_request'],
      ['GET', '/v1/checkouts/chk_x?wait=two', undefined, 400, 'bad_request'],
      ['POST', '/v1/entitlements/refresh', { anchor: newAnchor(), token: 'not a token' }, 400, 'bad_request'],
      ['POST', '/v1/entitlements/refresh', { anchor: 'x', token: 'a.b.c' }, 400, 'invalid_anchor'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await h.api<ApiErrorBody>(method, path, body === undefined ? {} : { body });
      expect([res.status, res.body], `${method} ${path} ${JSON.stringify(body)}`).toEqual([status, { error: { code, message: expect.any(String) } }]);
    }
    // The message says which part failed.
    const missing = await h.api<ApiErrorBody>('POST', '/v1/checkouts', { body: { anchor: newAnchor() } });
    expect(missing.body.error.message).toMatch(/^body/);
    // Query and path text is converted as the schema says: wait=0 is the integer 0.
    const c = await createCheckout(h, newAnchor());
    expect((await h.api('GET', `/v1/checkouts/${c.checkoutId}?wait=0`, { token: c.pollToken })).status).toBe(200);
  });

  it('a support request is refused 401 without a token before its body is judged', async () => {
    const h = await harness();
    const res = await h.api<ApiErrorBody>('POST', '/v1/support/licenses/lic_x/transfer', { body: { anchor: 'bad' } });
    expect([res.status, res.body.error.code]).toEqual([401, 'unauthorized']);
  });
});

describe('one schema, both sides', () => {
  it('a change to one schema field makes the server refuse the request and the app refuse the answer that both took before', async () => {
    // Before: a real purchase, a refresh request the server takes and an answer that fits the contract.
    const before = await harness();
    const anchor = newAnchor();
    const checkout = await createCheckout(before, anchor);
    const back = await payOnHostedPage(checkout.approveUrl);
    await before.api('POST', `/v1/checkouts/${checkout.checkoutId}/return`, { token: checkout.pollToken, body: { token: back.searchParams.get('token') } });
    const view = await poll(before, checkout);
    if (view.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(view as CheckoutView)}`);
    const answer = await refresh(before, anchor, view.entitlement.token);
    expect(answer.status).toBe(200);
    expect(Value.Check(RefreshResponse, answer.body)).toBe(true);

    // The change: entitlement tokens get a fourth part. EntitlementToken is the one schema the refresh request's
    // token and the answer's entitlement.token both are.
    const token = EntitlementToken as unknown as { pattern: string };
    const pattern = token.pattern;
    token.pattern = '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+){3}$';
    try {
      const after = await harness();
      const refused = await refresh(after, anchor, view.entitlement.token) as unknown as { status: number; body: ApiErrorBody };
      expect(refused.status).toBe(400);
      expect(refused.body.error).toEqual({ code: 'bad_request', message: expect.stringMatching(/^body\/token /) });
      // The app's check (the one ServerClient runs on every refresh answer) is compiled from the same schema.
      expect(asRefreshed(answer.body as Refreshed)).toBeNull();
    } finally {
      token.pattern = pattern;
    }
  });
});
