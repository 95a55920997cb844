// The paid path with the server on PostgreSQL (DATABASE_URL → a private, throwaway schema): the same roads
// and the same final state as on SQLite. Skips with the reason where PostgreSQL is missing; fails under CI.
import { afterEach, describe, expect } from 'vitest';
import type { SupportLookupResponse } from '../../common/api';
import { itWithSystem } from '../support/system';
import { createTestSchema, probePostgres, type TestSchema } from '../server/support-pg';
import { createCheckout, newAnchor, payOnHostedPage, poll, refresh, startHarness, type Harness } from './harness';
import { supportCall } from './support-staff';

const postgres = await probePostgres();

let h: Harness | undefined;
let schema: TestSchema | undefined;
afterEach(async () => {
  await h?.close();
  await schema?.drop();
  h = undefined;
  schema = undefined;
});

describe('the server on PostgreSQL', () => {
  itWithSystem(postgres, 'create → pay on the hosted page → completed → refund → refresh gives Free', async () => {
    schema = await createTestSchema();
    h = await startHarness({ env: { DATABASE_URL: schema.url } });
    expect(h.server.store.dialect).toBe('postgres');

    const anchor = newAnchor();
    const c = await createCheckout(h, anchor);
    const waiting = poll(h, c, 20);
    await payOnHostedPage(c.approveUrl);
    const view = await waiting;
    if (view.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(view)}`);
    expect(view.license).toMatchObject({ status: 'active', tier: 'enterprise' });
    expect(view.entitlement.claims.sub).toBe(anchor);
    await h.sandbox.control.settle(10_000);

    h.sandbox.control.refundCapture(view.license.transactionId!);
    await h.sandbox.control.settle(10_000);
    const r = await refresh(h, anchor, view.entitlement.token);
    expect(r.status).toBe(200);
    expect(r.body.entitlement.claims.tier).toBe('free');
    expect(r.body.license?.status).toBe('refunded');

    // Written to the schema, once: one license, one payment and one refund on its timeline, the inbox deduplicated.
    const db = h.server.store.db;
    const rows = await db.selectFrom('licenses').selectAll().where('anchor', '=', anchor).execute();
    expect(rows.map((l) => l.status)).toEqual(['refunded']);
    const kinds = (await db.selectFrom('licenseEvents').select('type').where('licenseId', '=', view.license.id).execute()).map((e) => e.type);
    expect(kinds.filter((k) => k === 'payment.completed')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'payment.refunded')).toHaveLength(1);

    const staff = await h.server.support.createToken('pg-staff', 'act');
    const found = await supportCall<SupportLookupResponse>(h, staff, 'GET', `/v1/support/lookup?q=${view.license.transactionId}`);
    expect(found.body.licenses.map((l) => [l.id, l.status])).toEqual([[view.license.id, 'refunded']]);
  }, 60_000);
});
