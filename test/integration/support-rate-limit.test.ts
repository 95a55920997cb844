// Support requests are limited per token, after authentication: junk from a shared address never spends a staff
// member's allowance. Failed authentications are limited apart, per client address (the forwarded one behind a
// trusted proxy), audited one by one up to the limit and once per window past it; a valid token still gets in.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../common/api';
import { startHarness, type Harness } from './harness';
import { auditRows, supportCall } from './support-staff';

const LIMIT = 3;
const FAILURES = 3;
let h: Harness;
let dave: string;
let erin: string;

beforeAll(async () => {
  h = await startHarness({
    supportRateLimit: { max: LIMIT, windowMs: 60_000 },
    env: { HARDBOUND_SUPPORT_AUTH_FAILURES_PER_CLIENT: `${FAILURES}/1m`, HARDBOUND_TRUSTED_PROXIES: '127.0.0.1' },
  });
  dave = await h.server.support.createToken('dave', 'act');
  erin = await h.server.support.createToken('erin', 'read');
});
afterAll(async () => {
  await h?.close();
});

const from = (address: string) => ({ 'x-forwarded-for': address });

it('junk from one address is audited up to the limit, then answered 429 and audited once; a valid token from that address still gets in', async () => {
  const before = (await auditRows(h)).length;
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) {
    statuses.push((await h.api('GET', '/v1/support/lookup?q=lic_x', { token: `hbs_junk${i}`, headers: from('203.0.113.7') })).status);
  }
  expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
  const limited = await h.api<ApiErrorBody>('GET', '/v1/support/lookup?q=lic_x', { token: 'hbs_more', headers: from('203.0.113.7') });
  expect(limited.body.error.code).toBe('rate_limited');
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  // Another address has its own allowance; a staff member behind the flooded one is not locked out.
  expect((await h.api('GET', '/v1/support/lookup?q=lic_x', { token: 'hbs_other', headers: from('198.51.100.2') })).status).toBe(401);
  expect((await h.api('GET', '/v1/support/lookup?q=lic_x', { token: erin, headers: from('203.0.113.7') })).status).toBe(200);

  const rows = (await auditRows(h)).slice(before);
  expect(rows.map((r) => [r.action, JSON.parse(r.detailJson ?? '{}').client])).toEqual([
    ['support-auth-failed', '203.0.113.7'], ['support-auth-failed', '203.0.113.7'], ['support-auth-failed', '203.0.113.7'],
    ['support-auth-limited', '203.0.113.7'],
    ['support-auth-failed', '198.51.100.2'],
    ['lookup', undefined],
  ]);
  expect(JSON.stringify(rows)).not.toMatch(/hbs_junk|hbs_more|hbs_other/);
  expect(h.server.metrics.render()).toMatch(/hardbound_support_refused_total\{code="auth_failure_limited"\} 6/);
});

it('each token has its own allowance, spent only by its own requests; the rest of the API is not affected', async () => {
  for (let i = 1; i <= LIMIT; i++) expect((await supportCall(h, dave, 'GET', `/v1/support/lookup?q=lic_${i}`)).status).toBe(200);
  const over = await h.api<ApiErrorBody>('GET', '/v1/support/lookup?q=lic_over', { token: dave });
  expect(over.status).toBe(429);
  expect(over.body.error.code).toBe('rate_limited');
  expect((await supportCall<ApiErrorBody>(h, dave, 'POST', '/v1/support/licenses/lic_1/reissue', { reason: 'x' })).status).toBe(429);
  expect((await supportCall(h, erin, 'GET', '/v1/support/lookup?q=lic_2')).status).toBe(200);
  expect((await h.api('GET', '/v1/plans')).status).toBe(200);
  expect((await h.api('GET', '/healthz')).status).toBe(200);
});
