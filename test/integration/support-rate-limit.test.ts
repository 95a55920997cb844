// The support endpoints are rate-limited per client address; the rest of the API is not affected by it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../common/api';
import { startHarness, type Harness } from './harness';
import { auditRows, supportCall } from './support-staff';

const LIMIT = 3;
let h: Harness;
let dave: string;

beforeAll(async () => {
  h = await startHarness({ supportRateLimit: { max: LIMIT, windowMs: 60_000 } });
  dave = await h.server.support.createToken('dave', 'act');
});
afterAll(async () => {
  await h?.close();
});

it('answers 429 rate_limited once the limit is spent, counting refused tokens too, and audits only what ran', async () => {
  expect((await supportCall(h, 'hbs_guess', 'GET', '/v1/support/lookup?q=lic_x')).status).toBe(401);
  for (let i = 1; i < LIMIT; i++) expect((await supportCall(h, dave, 'GET', `/v1/support/lookup?q=lic_${i}`)).status).toBe(200);

  const over = await h.api<ApiErrorBody>('GET', '/v1/support/lookup?q=lic_over', { token: dave });
  expect(over.status).toBe(429);
  expect(over.body.error.code).toBe('rate_limited');
  expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
  const action = await supportCall<ApiErrorBody>(h, dave, 'POST', '/v1/support/licenses/lic_1/reissue', { reason: 'x' });
  expect(action.status).toBe(429);

  expect((await auditRows(h)).map((r) => r.target)).toEqual(['lic_1', 'lic_2']);
  expect((await h.api('GET', '/v1/plans')).status).toBe(200);
  expect((await h.api('GET', '/healthz')).status).toBe(200);
});
