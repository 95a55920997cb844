// The checkout-expiry job: checkouts whose window closed unpaid are marked expired on a schedule (once per
// period per database), and whoever waits for one is answered then — not only at its own next re-read. On
// PostgreSQL the same transaction announces them to every process.
import { afterEach, describe, expect, it } from 'vitest';
import * as jobRuns from '../../server/store/job-runs';
import { itWithSystem } from '../support/system';
import { createTestSchema, probePostgres, type TestSchema } from '../server/support-pg';
import { createCheckout, newAnchor, poll, startHarness, type Harness } from './harness';

const postgres = await probePostgres();
const TTL_MS = 5 * 60_000;

let h: Harness | undefined;
let schema: TestSchema | undefined;
afterEach(async () => {
  await h?.close();
  await schema?.drop();
  h = undefined;
  schema = undefined;
});

async function expiresWhileWaited(harness: Harness): Promise<void> {
  const [due, open] = [await createCheckout(harness, newAnchor()), await createCheckout(harness, newAnchor())];
  const waiting = poll(harness, due, 30);
  const parked = () => Number(/^hardbound_long_polls_waiting (\d+)/m.exec(harness.server.metrics.render())?.[1] ?? 0);
  await expect.poll(parked, { timeout: 5_000 }).toBe(1);
  // The window of the first closes; the second is created later and stays open.
  harness.clock.advance(TTL_MS + 1);
  const fresh = await createCheckout(harness, newAnchor());
  const started = Date.now();
  const view = await waiting;
  const answeredMs = Date.now() - started;
  expect(view.status).toBe('expired');
  // A parked poll re-reads on its own only every 4-5 s (SQLite) or 30 s (PostgreSQL, while notifications flow): the job woke it.
  expect(answeredMs).toBeLessThan(3_500);
  const rows = await harness.server.store.db.selectFrom('checkouts').select(['id', 'status']).where('id', 'in', [due.checkoutId, open.checkoutId, fresh.checkoutId]).execute();
  expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [due.checkoutId]: 'expired', [open.checkoutId]: 'expired', [fresh.checkoutId]: 'pending' });
  expect(harness.server.metrics.get('hardbound_checkouts_expired_total')).toBe(2);
  // Each run is recorded once it ends (the run that woke the poll finishes its bookkeeping just after); the job
  // keeps ticking, so the latest may still be running as they are read.
  const outcomesNow = async () => (await jobRuns.list(harness.server.store.db, 'expire-checkouts')).map((r) => r.outcome);
  await expect.poll(outcomesNow, { timeout: 5_000 }).toContain('ran');
  const outcomes = await outcomesNow();
  expect(outcomes.filter((o) => o !== 'ran' && o !== 'running')).toEqual([]);
  expect(outcomes.filter((o) => o === 'running').length).toBeLessThanOrEqual(1);
}

describe('checkout expiry', () => {
  it('SQLite: a waiting app hears its checkout expired from the job', async () => {
    h = await startHarness({ env: { HARDBOUND_EXPIRE_INTERVAL_SECONDS: '1', HARDBOUND_CHECKOUT_TTL_MINUTES: '5' } });
    await expiresWhileWaited(h);
  });

  itWithSystem(postgres, 'PostgreSQL: the same, the expiry announced in its transaction', async () => {
    schema = await createTestSchema();
    h = await startHarness({ env: { DATABASE_URL: schema.url, HARDBOUND_EXPIRE_INTERVAL_SECONDS: '1', HARDBOUND_CHECKOUT_TTL_MINUTES: '5' } });
    await expiresWhileWaited(h);
    expect(h.server.metrics.get('hardbound_change_notifications_total')).toBeGreaterThanOrEqual(2);
  });
});
