// The store conformance suite: one body, run against SQLite and PostgreSQL. Each test gets a fresh, migrated
// store (a temp file, or a private PostgreSQL schema) and disposes of it afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import type { BillingEvent } from '../../server/billing/events';
import * as audit from '../../server/store/audit';
import * as checkouts from '../../server/store/checkouts';
import { openStore, type Queryable, type Store } from '../../server/store/database';
import { isUniqueViolation } from '../../server/store/errors';
import * as inbox from '../../server/store/inbox';
import * as jobLeases from '../../server/store/job-leases';
import * as licenseEvents from '../../server/store/license-events';
import * as licenseTransfers from '../../server/store/license-transfers';
import * as licenses from '../../server/store/licenses';
import { initialMigration } from '../../server/store/migrations/0001-initial';
import { precompiled } from '../../server/store/precompiled';
import * as providerRefs from '../../server/store/provider-refs';
import { RefConflictError } from '../../server/store/provider-refs';
import * as supportTokens from '../../server/store/support-tokens';
import { itWithSystem, type SystemPart } from '../support/system';
import { createTestSchema, probePostgres } from './support-pg';

interface Fixture {
  store: Store;
  dispose(): Promise<void>;
}

const T0 = 1_750_000_000_000;

async function sqliteFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'hardbound-store-'));
  const store = await openStore({ url: `sqlite:${join(dir, 'store.db')}` });
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresFixture(): Promise<Fixture> {
  const schema = await createTestSchema();
  const store = await openStore({ url: schema.url });
  return {
    store,
    dispose: async () => {
      await store.close();
      await schema.drop();
    },
  };
}

storeConformance('sqlite', { available: true, reason: '' }, sqliteFixture);
storeConformance('postgres', await probePostgres(), postgresFixture);

function storeConformance(label: string, part: SystemPart, open: () => Promise<Fixture>): void {
  describe(`store conformance: ${label}`, () => {
    let fixture: Fixture | undefined;
    beforeEach(async () => {
      if (!part.available) return;
      fixture = await open();
      await fixture.store.migrate();
    });
    afterEach(async () => {
      await fixture?.dispose();
      fixture = undefined;
    });
    const test = (name: string, body: (store: Store) => Promise<void>) =>
      itWithSystem(part, name, async () => {
        if (!fixture) throw new Error('no store fixture');
        await body(fixture.store);
      });

    itWithSystem(part, 'migration 0002 keeps the inbox rows, licenses and checkouts of a store at 0001', async () => {
      const old = await open();
      try {
        // Kysely looks for its own tables in every schema unless told which (see the test after this one).
        const schema = old.store.dialect === 'postgres' ? (await sql<{ name: string }>`select current_schema() as name`.execute(old.store.db)).rows[0]?.name : undefined;
        const migrator = new Migrator({
          db: old.store.db,
          provider: { getMigrations: async () => ({ '0001-initial': initialMigration(old.store.dialect) }) },
          ...(schema ? { migrationTableSchema: schema } : {}),
        });
        const { error } = await migrator.migrateToLatest();
        expect(error).toBeUndefined();
        // Written as a store at 0001 held them (today's repositories write columns 0001 did not have).
        await sql`insert into checkouts (id, anchor, plan_id, kind, provider, amount, currency, status, poll_token_hash, created_at, updated_at, expires_at)
          values ('co_1', 'anchor-a', 'enterprise-monthly', 'recurring', 'paypal', '9.00', 'USD', 'pending', 'hash-co_1', ${T0}, ${T0}, ${T0 + 3_600_000})`.execute(old.store.db);
        await sql`insert into licenses (id, anchor, plan_id, provider, checkout_id, status, tier, subscription_id, state_json, created_at, updated_at)
          values ('lic_1', 'anchor-a', 'enterprise-monthly', 'paypal', 'co_1', 'active', 'enterprise', 'I-SUB1', '{"status":"active"}', ${T0}, ${T0})`.execute(old.store.db);
        const rows = [
          { provider: 'paypal', event_id: 'WH-1', event_type: 'PAYMENT.CAPTURE.COMPLETED', resource_id: 'CAP-1', outcome: 'applied', received_at: T0 },
          { provider: 'paypal', event_id: 'WH-2', event_type: 'BILLING.PLAN.CREATED', resource_id: null, outcome: 'ignored', received_at: T0 + 1 },
          { provider: 'paystack', event_id: 'WH-1', event_type: 'charge.success', resource_id: 'X', outcome: 'unmatched', received_at: T0 + 2 },
        ];
        for (const row of rows) {
          await sql`insert into webhook_inbox (provider, event_id, event_type, resource_id, outcome, received_at)
            values (${row.provider}, ${row.event_id}, ${row.event_type}, ${row.resource_id}, ${row.outcome}, ${row.received_at})`.execute(old.store.db);
        }
        // 0001 knew no 'unreadable' outcome.
        const early = await inbox.record(old.store.db, { ...inboxEntry('WH-3'), outcome: 'unreadable' }).then(() => undefined, (e: unknown) => e);
        expect(early).toBeInstanceOf(Error);

        await old.store.migrate();
        const key = (row: (typeof rows)[number]) => ({ provider: row.provider, eventId: row.event_id, eventType: row.event_type, resourceId: row.resource_id });
        expect(await inbox.get(old.store.db, key(rows[0]!))).toEqual({ provider: 'paypal', eventId: 'WH-1', eventType: 'PAYMENT.CAPTURE.COMPLETED', resourceId: 'CAP-1', outcome: 'applied', reason: null, receivedAt: T0 });
        expect(await inbox.get(old.store.db, key(rows[1]!))).toMatchObject({ outcome: 'ignored', resourceId: null, reason: null });
        expect(await inbox.get(old.store.db, key(rows[2]!))).toMatchObject({ outcome: 'unmatched', receivedAt: T0 + 2 });
        // Still one row per event: a redelivery of an old event is a duplicate.
        expect(await inbox.record(old.store.db, { ...inboxEntry('WH-1'), resourceId: 'CAP-1' })).toBe('duplicate');
        expect(await inbox.record(old.store.db, { ...inboxEntry('WH-3'), outcome: 'unreadable', reason: 'missing_resource' })).toBe('recorded');
        const bogus = await inbox.record(old.store.db, { ...inboxEntry('WH-4'), outcome: 'lost' as never }).then(() => undefined, (e: unknown) => e);
        expect(bogus).toBeInstanceOf(Error);
        expect(await licenses.get(old.store.db, 'lic_1')).toMatchObject({ subscriptionId: 'I-SUB1', reconciledAt: null });
        expect((await licenses.dueForReconciliation(old.store.db, T0, 10)).map((l) => l.id)).toEqual(['lic_1']);
        expect(await checkouts.get(old.store.db, 'co_1')).toMatchObject({ id: 'co_1', status: 'pending' });
        expect(await jobLeases.acquire(old.store.db, 'reconcile', 'host-a', T0, T0 + 1)).toBe(true);
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(old.store.db);
        expect(applied.rows.map((r) => r.name)).toEqual(['0001-initial', '0002-money-truth', '0003-checkouts-anchor-index', '0004-license-transfers', '0005-support-desk', '0006-several-processes']);
      } finally {
        await old.dispose();
      }
    });

    itWithSystem(part, 'a fresh store migrates while another store on the same database server is migrated already', async () => {
      // The fixture of this test is a migrated store; on PostgreSQL another schema of the same database.
      const fresh = await open();
      try {
        await fresh.store.migrate();
        expect(await checkouts.insert(fresh.store.db, newCheckout('co_1'))).toMatchObject({ id: 'co_1' });
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(fresh.store.db);
        expect(applied.rows.map((r) => r.name)).toEqual(['0001-initial', '0002-money-truth', '0003-checkouts-anchor-index', '0004-license-transfers', '0005-support-desk', '0006-several-processes']);
      } finally {
        await fresh.dispose();
      }
    });

    test('migrating again is a no-op that keeps the data', async (store) => {
      await seedCheckout(store, 'co_1');
      await store.migrate();
      await store.migrate();
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
      expect(applied.rows.map((r) => r.name)).toEqual(['0001-initial', '0002-money-truth', '0003-checkouts-anchor-index', '0004-license-transfers', '0005-support-desk', '0006-several-processes']);
      expect(await checkouts.get(store.db, 'co_1')).toMatchObject({ id: 'co_1', status: 'pending' });
    });

    test('names are snake_case in SQL and camelCase in rows, also for precompiled statements and plain SQL', async (store) => {
      await seedCheckout(store, 'co_1');
      // The columns of an existing database keep their names: plain SQL reaches them as they were created.
      const plain = await sql<Record<string, unknown>>`select plan_id, poll_token_hash, license_id from checkouts where id = ${'co_1'}`.execute(store.db);
      expect(plain.rows).toEqual([{ planId: 'enterprise-lifetime', pollTokenHash: 'hash-co_1', licenseId: null }]);
      // checkouts.get runs a statement compiled once (precompiled.ts): its rows pass through the same mapping.
      const viaPrecompiled = await checkouts.get(store.db, 'co_1');
      expect(Object.keys(viaPrecompiled ?? {}).sort()).toEqual([
        'amount', 'anchor', 'createdAt', 'currency', 'expiresAt', 'failureReason', 'id', 'kind', 'licenseId', 'planId',
        'pollTokenHash', 'provider', 'providerOrderId', 'providerSubscriptionId', 'replacesSubscriptionId', 'status', 'updatedAt',
      ]);
      await store.transaction(async (trx) => {
        expect(await checkouts.get(trx, 'co_1', { forUpdate: true })).toEqual(viaPrecompiled);
      });
    });

    test('checkouts: counts an anchor\'s open checkouts (pending or approved, not expired)', async (store) => {
      await checkouts.insert(store.db, newCheckout('co_1'));
      await checkouts.insert(store.db, newCheckout('co_2'));
      await checkouts.insert(store.db, newCheckout('co_3', { expiresAt: T0 + 10 }));
      await checkouts.insert(store.db, newCheckout('co_4', { anchor: 'anchor-b' }));
      await checkouts.updateStatus(store.db, 'co_2', { from: 'pending', to: 'approved', at: T0 });
      expect(await checkouts.countOpenForAnchor(store.db, 'anchor-a', T0)).toBe(3);
      expect(await checkouts.countOpenForAnchor(store.db, 'anchor-a', T0 + 10)).toBe(2);
      await checkouts.updateStatus(store.db, 'co_1', { from: 'pending', to: 'cancelled', at: T0 });
      expect(await checkouts.countOpenForAnchor(store.db, 'anchor-a', T0 + 10)).toBe(1);
      expect(await checkouts.countOpenForAnchor(store.db, 'anchor-c', T0)).toBe(0);
    });

    test('checkouts: insert, get and lookups by provider order and subscription id', async (store) => {
      const inserted = await checkouts.insert(store.db, newCheckout('co_1', { providerOrderId: 'ORDER-1' }));
      await checkouts.insert(
        store.db,
        newCheckout('co_2', { kind: 'recurring', providerSubscriptionId: 'I-SUB1' }),
      );
      expect(inserted).toEqual({
        id: 'co_1',
        anchor: 'anchor-a',
        planId: 'enterprise-lifetime',
        kind: 'one_time',
        provider: 'paypal',
        providerOrderId: 'ORDER-1',
        providerSubscriptionId: null,
        amount: '49.00',
        currency: 'USD',
        status: 'pending',
        failureReason: null,
        pollTokenHash: 'hash-co_1',
        licenseId: null,
        createdAt: T0,
        updatedAt: T0,
        expiresAt: T0 + 3_600_000,
        replacesSubscriptionId: null,
      });
      expect(await checkouts.get(store.db, 'co_1')).toEqual(inserted);
      expect(await checkouts.get(store.db, 'co_missing')).toBeUndefined();
      expect((await checkouts.getByOrderId(store.db, 'paypal', 'ORDER-1'))?.id).toBe('co_1');
      expect(await checkouts.getByOrderId(store.db, 'paystack', 'ORDER-1')).toBeUndefined();
      expect((await checkouts.getBySubscriptionId(store.db, 'paypal', 'I-SUB1'))?.id).toBe('co_2');
      expect(await checkouts.getBySubscriptionId(store.db, 'paypal', 'I-OTHER')).toBeUndefined();
    });

    test('checkouts: provider ids set after creation', async (store) => {
      await seedCheckout(store, 'co_1');
      expect(await checkouts.setProviderIds(store.db, 'co_1', { providerOrderId: 'ORDER-9', at: T0 + 5 })).toBe(true);
      expect(await checkouts.setProviderIds(store.db, 'co_missing', { providerOrderId: 'ORDER-8', at: T0 })).toBe(false);
      const found = await checkouts.getByOrderId(store.db, 'paypal', 'ORDER-9');
      expect(found).toMatchObject({ id: 'co_1', providerSubscriptionId: null, updatedAt: T0 + 5 });
    });

    test('checkouts: status changes only from the expected status', async (store) => {
      await seedCheckout(store, 'co_1');
      expect(await checkouts.updateStatus(store.db, 'co_1', { from: 'pending', to: 'approved', at: T0 + 1 })).toBe(true);
      expect(await checkouts.updateStatus(store.db, 'co_1', { from: 'pending', to: 'cancelled', at: T0 + 2 })).toBe(false);
      expect(await checkouts.get(store.db, 'co_1')).toMatchObject({ status: 'approved', updatedAt: T0 + 1 });

      const failed = { from: ['pending', 'approved'] as const, to: 'failed' as const, at: T0 + 3, failureReason: 'DENIED' };
      expect(await checkouts.updateStatus(store.db, 'co_1', failed)).toBe(true);
      expect(await checkouts.get(store.db, 'co_1')).toMatchObject({ status: 'failed', failureReason: 'DENIED', updatedAt: T0 + 3 });

      expect(await checkouts.updateStatus(store.db, 'co_1', { from: [], to: 'completed', at: T0 + 4 })).toBe(false);
      expect(await checkouts.updateStatus(store.db, 'co_missing', { from: 'pending', to: 'completed', at: T0 })).toBe(false);
    });

    test('checkouts: a license is attached once', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedLicense(store, 'lic_1', 'co_1');
      await seedLicense(store, 'lic_2', 'co_1');
      expect(await checkouts.attachLicense(store.db, 'co_1', 'lic_1', T0 + 1)).toBe(true);
      expect(await checkouts.attachLicense(store.db, 'co_1', 'lic_2', T0 + 2)).toBe(false);
      expect(await checkouts.get(store.db, 'co_1')).toMatchObject({ licenseId: 'lic_1', updatedAt: T0 + 1 });
    });

    test('checkouts: ids and provider order/subscription ids are unique per provider', async (store) => {
      await checkouts.insert(store.db, newCheckout('co_1', { providerOrderId: 'ORDER-1', providerSubscriptionId: 'I-1' }));
      const attempts = [
        newCheckout('co_1'),
        newCheckout('co_2', { providerOrderId: 'ORDER-1' }),
        newCheckout('co_3', { providerSubscriptionId: 'I-1' }),
      ];
      for (const attempt of attempts) {
        const error = await checkouts.insert(store.db, attempt).then(() => undefined, (e: unknown) => e);
        expect(isUniqueViolation(error), attempt.id).toBe(true);
      }
      // Absent ids never collide, and another provider has its own id space.
      await checkouts.insert(store.db, newCheckout('co_4'));
      await checkouts.insert(store.db, newCheckout('co_5'));
      await checkouts.insert(store.db, newCheckout('co_6', { provider: 'paystack', providerOrderId: 'ORDER-1' }));
      const count = await store.db.selectFrom('checkouts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(4);
    });

    test('licenses: insert and get keep every field and the state', async (store) => {
      await seedCheckout(store, 'co_1');
      const state = { status: 'active', applied: ['ev1'], nested: { paidThrough: null, n: 2 } };
      const inserted = await licenses.insert(store.db, {
        ...newLicense('lic_1', 'co_1'),
        transactionId: 'CAPTURE-1',
        orderId: 'ORDER-1',
        amount: '49.00',
        currency: 'USD',
        state,
      });
      expect(inserted).toEqual({
        id: 'lic_1',
        anchor: 'anchor-a',
        planId: 'enterprise-lifetime',
        provider: 'paypal',
        checkoutId: 'co_1',
        status: 'active',
        tier: 'enterprise',
        transactionId: 'CAPTURE-1',
        orderId: 'ORDER-1',
        subscriptionId: null,
        amount: '49.00',
        currency: 'USD',
        paidThrough: null,
        supersededBy: null,
        state,
        createdAt: T0,
        updatedAt: T0,
        reconciledAt: null,
        supportCancelledAt: null,
      });
      expect(await licenses.get(store.db, 'lic_1')).toEqual(inserted);
      expect(await licenses.get(store.db, 'lic_1', { forUpdate: true })).toEqual(inserted);
      expect(await licenses.get(store.db, 'lic_missing')).toBeUndefined();
    });

    test('licenses: a license must belong to an existing checkout', async (store) => {
      const error = await licenses.insert(store.db, newLicense('lic_1', 'co_missing')).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(await licenses.get(store.db, 'lic_1')).toBeUndefined();
    });

    test('licenses: listByAnchor lists every license of the anchor, oldest first; supersede marks one once', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedLicense(store, 'lic_old', 'co_1', { createdAt: T0 });
      await seedLicense(store, 'lic_refunded', 'co_1', { createdAt: T0 + 1, status: 'refunded', tier: 'free' });
      await seedLicense(store, 'lic_new', 'co_1', { createdAt: T0 + 2, status: 'past_due' });
      await seedLicense(store, 'lic_other', 'co_1', { createdAt: T0 + 3, anchor: 'anchor-b' });

      const listed = await licenses.listByAnchor(store.db, 'anchor-a');
      expect(listed.map((l) => l.id)).toEqual(['lic_old', 'lic_refunded', 'lic_new']);

      expect(await licenses.supersede(store.db, 'lic_old', 'lic_new', T0 + 10)).toBe(true);
      expect(await licenses.supersede(store.db, 'lic_old', 'lic_other', T0 + 11)).toBe(false);
      expect(await licenses.get(store.db, 'lic_old')).toMatchObject({ supersededBy: 'lic_new', status: 'active', updatedAt: T0 + 10 });
      // A superseded license is still listed: the machine's history, and what support sees.
      expect((await licenses.listByAnchor(store.db, 'anchor-a')).map((l) => [l.id, l.supersededBy])).toEqual([['lic_old', 'lic_new'], ['lic_refunded', null], ['lic_new', null]]);
      expect(await licenses.listByAnchor(store.db, 'anchor-none')).toEqual([]);
      expect(await licenses.supersede(store.db, 'lic_missing', 'lic_new', T0)).toBe(false);
    });

    test('licenses: update changes the given fields only', async (store) => {
      await seedCheckout(store, 'co_1');
      const before = await seedLicense(store, 'lic_1', 'co_1', { subscriptionId: 'I-1', amount: '9.00', currency: 'EUR' });
      const patched = await licenses.update(store.db, 'lic_1', {
        status: 'canceled',
        transactionId: 'SALE-2',
        paidThrough: T0 + 86_400_000,
        amount: null,
        state: { status: 'canceled' },
        updatedAt: T0 + 7,
      });
      expect(patched).toBe(true);
      expect(await licenses.get(store.db, 'lic_1')).toEqual({
        ...before,
        status: 'canceled',
        transactionId: 'SALE-2',
        paidThrough: T0 + 86_400_000,
        amount: null,
        state: { status: 'canceled' },
        updatedAt: T0 + 7,
      });
      expect(await licenses.update(store.db, 'lic_1', { anchor: 'anchor-b', updatedAt: T0 + 8 })).toBe(true);
      expect((await licenses.listByAnchor(store.db, 'anchor-b')).map((l) => l.id)).toEqual(['lic_1']);
      expect(await licenses.update(store.db, 'lic_missing', { status: 'revoked', updatedAt: T0 })).toBe(false);
    });

    test('license events: appended once per license, listed in the order they happened', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedLicense(store, 'lic_1', 'co_1');
      await seedLicense(store, 'lic_2', 'co_1');
      const refunded: BillingEvent = {
        id: 'WH-2',
        at: T0 + 2_000,
        type: 'payment.refunded',
        transactionId: 'CAPTURE-1',
        amount: { value: '49.00', currency: 'USD' },
        full: true,
      };
      const completed: BillingEvent = {
        id: 'WH-1',
        at: T0 + 1_000,
        type: 'payment.completed',
        transactionId: 'CAPTURE-1',
        amount: { value: '49.00', currency: 'USD' },
      };
      const revoked: BillingEvent = { id: 'support-1', at: T0 + 3_000, type: 'license.revoked', reason: 'fraud' };

      // Arrival order differs from event time on purpose.
      expect(await licenseEvents.append(store.db, { licenseId: 'lic_1', source: 'provider', event: refunded, recordedAt: T0 + 10 })).toBe(true);
      expect(await licenseEvents.append(store.db, { licenseId: 'lic_1', source: 'provider', event: completed, recordedAt: T0 + 11 })).toBe(true);
      expect(
        await licenseEvents.append(store.db, { licenseId: 'lic_1', source: 'support', event: revoked, recordedAt: T0 + 12, reference: 'CASE-7' }),
      ).toBe(true);
      expect(await licenseEvents.append(store.db, { licenseId: 'lic_1', source: 'provider', event: completed, recordedAt: T0 + 13 })).toBe(false);
      expect(await licenseEvents.append(store.db, { licenseId: 'lic_2', source: 'provider', event: completed, recordedAt: T0 + 14 })).toBe(true);

      const timeline = await licenseEvents.listByLicense(store.db, 'lic_1');
      expect(timeline.map((e) => e.eventId)).toEqual(['WH-1', 'WH-2', 'support-1']);
      expect(timeline[0]).toMatchObject({
        licenseId: 'lic_1',
        eventId: 'WH-1',
        type: 'payment.completed',
        source: 'provider',
        occurredAt: T0 + 1_000,
        recordedAt: T0 + 11,
        transactionId: 'CAPTURE-1',
        amount: '49.00',
        currency: 'USD',
        reference: null,
        event: completed,
      });
      expect(timeline[2]).toMatchObject({
        source: 'support',
        transactionId: null,
        amount: null,
        currency: null,
        reference: 'CASE-7',
        event: revoked,
      });
      expect(await licenseEvents.listByLicense(store.db, 'lic_2')).toHaveLength(1);
      expect(await licenseEvents.listByLicense(store.db, 'lic_missing')).toEqual([]);
    });

    test('inbox: first delivery recorded, later ones duplicate; keyed by event id, type and resource', async (store) => {
      const entry = { ...inboxEntry('WH-1'), outcome: 'unmatched' as const };
      expect(await inbox.record(store.db, entry)).toBe('recorded');
      expect(await inbox.record(store.db, { ...entry, outcome: 'ignored', receivedAt: T0 + 1 })).toBe('duplicate');
      expect(await inbox.record(store.db, { ...entry, provider: 'paystack' })).toBe('recorded');
      expect(await inbox.get(store.db, entry)).toEqual(entry);
      expect(await inbox.get(store.db, { ...entry, eventId: 'WH-missing' })).toBeUndefined();
      // A body claiming the same event id for another type or resource is another row: it cannot make the
      // genuine event a duplicate.
      expect(await inbox.record(store.db, { ...entry, eventType: 'CATALOG.PRODUCT.CREATED', resourceId: null, outcome: 'ignored' })).toBe('recorded');
      expect(await inbox.record(store.db, { ...entry, resourceId: 'OTHER-CAPTURE' })).toBe('recorded');
    });

    test('inbox: an applied event claims its row over an earlier outcome, once', async (store) => {
      const unmatched = { ...inboxEntry('WH-A'), outcome: 'unmatched' as const };
      expect(await inbox.record(store.db, unmatched)).toBe('recorded');
      const applied = { ...unmatched, outcome: 'applied' as const, receivedAt: T0 + 5 };
      expect(await inbox.record(store.db, applied)).toBe('recorded');
      expect(await inbox.get(store.db, applied)).toMatchObject({ outcome: 'applied' });
      expect(await inbox.record(store.db, applied)).toBe('duplicate');
      expect(await inbox.record(store.db, unmatched)).toBe('duplicate');
      expect(await inbox.get(store.db, applied)).toMatchObject({ outcome: 'applied' });
    });

    test('inbox: an unreadable delivery is recorded with its reason code', async (store) => {
      const unreadable = { ...inboxEntry('WH-U'), resourceId: null, outcome: 'unreadable' as const, reason: 'bad_transactions' };
      expect(await inbox.record(store.db, unreadable)).toBe('recorded');
      expect(await inbox.get(store.db, unreadable)).toEqual(unreadable);
      expect(await inbox.record(store.db, { ...unreadable, reason: 'missing_resource' })).toBe('duplicate');
      expect(await inbox.get(store.db, unreadable)).toMatchObject({ reason: 'bad_transactions' });
      const bogus = await inbox.record(store.db, { ...inboxEntry('WH-V'), outcome: 'lost' as never }).then(() => undefined, (e: unknown) => e);
      expect(bogus).toBeInstanceOf(Error);
    });

    test('precompiled statements: compiled once per handle, right rows for new arguments, constants kept', async (store) => {
      const byTypeAndOutcome = precompiled((db, eventType: string, after: number) =>
        db.selectFrom('webhookInbox').select('eventId').where('eventType', '=', eventType).where('outcome', '=', 'ignored')
          .where('receivedAt', '>', after).orderBy('eventId'),
      );
      await inbox.record(store.db, { ...inboxEntry('WH-1'), eventType: 'A', outcome: 'ignored' });
      await inbox.record(store.db, { ...inboxEntry('WH-2'), eventType: 'A', outcome: 'applied' });
      await inbox.record(store.db, { ...inboxEntry('WH-3'), eventType: 'B', outcome: 'ignored', receivedAt: T0 + 5 });
      const ids = async (db: Queryable, type: string, after: number) => (await byTypeAndOutcome(db, type, after)).rows.map((r) => r.eventId);
      expect(await ids(store.db, 'A', 0)).toEqual(['WH-1']);
      expect(await ids(store.db, 'B', 0)).toEqual(['WH-3']);
      expect(await ids(store.db, 'B', T0 + 5)).toEqual([]);
      expect(await store.transaction(async (trx) => {
        await inbox.record(trx, { ...inboxEntry('WH-4'), eventType: 'B', outcome: 'ignored', receivedAt: T0 + 9 });
        return ids(trx, 'B', T0);
      })).toEqual(['WH-3', 'WH-4']);
      expect(await ids(store.db, 'A', 0)).toEqual(['WH-1']);
    });

    test('precompiled statements: a builder that does not bind each argument exactly once is refused', async (store) => {
      const inlined = precompiled((db, eventId: string) => db.selectFrom('webhookInbox').selectAll().where(sql.lit(eventId), '=', 'x'));
      const twice = precompiled((db, eventId: string) => db.selectFrom('webhookInbox').selectAll().where('eventId', '=', eventId).where('resourceId', '=', eventId));
      const computed = precompiled((db, eventId: string) => db.selectFrom('webhookInbox').selectAll().where('eventId', '=', eventId.toUpperCase()));
      for (const statement of [inlined, twice, computed]) {
        await expect(statement(store.db, 'WH-1')).rejects.toThrow(/argument 0 must be bound as exactly one parameter/);
      }
    });

    test('a duplicate inside a transaction changes nothing yet the transaction commits its other writes', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedLicense(store, 'lic_1', 'co_1');
      const event: BillingEvent = { id: 'WH-1', at: T0, type: 'payment.pending', transactionId: 'CAPTURE-1' };
      await inbox.record(store.db, inboxEntry('WH-1'));
      await licenseEvents.append(store.db, { licenseId: 'lic_1', source: 'provider', event, recordedAt: T0 });

      const outcome = await store.transaction(async (trx) => {
        const seen = await inbox.record(trx, { ...inboxEntry('WH-1'), outcome: 'ignored' });
        const appended = await licenseEvents.append(trx, { licenseId: 'lic_1', source: 'provider', event, recordedAt: T0 + 1 });
        await inbox.record(trx, inboxEntry('WH-2'));
        await audit.append(trx, { at: T0, actor: 'server', action: 'webhook.duplicate', target: 'lic_1' });
        await licenses.update(trx, 'lic_1', { status: 'pending', updatedAt: T0 + 1 });
        return { seen, appended };
      });

      expect(outcome).toEqual({ seen: 'duplicate', appended: false });
      expect(await inbox.get(store.db, inboxEntry('WH-1'))).toMatchObject({ outcome: 'applied' });
      expect(await inbox.get(store.db, inboxEntry('WH-2'))).toBeDefined();
      expect(await audit.listForTarget(store.db, 'lic_1')).toHaveLength(1);
      expect(await licenses.get(store.db, 'lic_1')).toMatchObject({ status: 'pending' });
      expect(await licenseEvents.listByLicense(store.db, 'lic_1')).toHaveLength(1);
    });

    test('a transaction that throws rolls back every write', async (store) => {
      await seedCheckout(store, 'co_1');
      const failure = new Error('apply failed');
      const outcome = store.transaction(async (trx) => {
        await checkouts.updateStatus(trx, 'co_1', { from: 'pending', to: 'completed', at: T0 + 1 });
        await checkouts.insert(trx, newCheckout('co_2'));
        await seedLicense(store, 'lic_1', 'co_1', {}, trx);
        await inbox.record(trx, inboxEntry('WH-1'));
        await providerRefs.bind(trx, { provider: 'paypal', ref: 'ORDER-1', kind: 'order', checkoutId: 'co_1' });
        await audit.append(trx, { at: T0, actor: 'server', action: 'x', target: 'co_1' });
        await supportTokens.insert(trx, { id: 'tok_1', name: 'alice', tokenHash: 'h1', createdAt: T0 });
        throw failure;
      });
      await expect(outcome).rejects.toBe(failure);

      expect(await checkouts.get(store.db, 'co_1')).toMatchObject({ status: 'pending', updatedAt: T0 });
      expect(await checkouts.get(store.db, 'co_2')).toBeUndefined();
      expect(await licenses.get(store.db, 'lic_1')).toBeUndefined();
      expect(await inbox.get(store.db, inboxEntry('WH-1'))).toBeUndefined();
      expect(await providerRefs.find(store.db, 'paypal', 'ORDER-1')).toBeUndefined();
      expect(await audit.listForTarget(store.db, 'co_1')).toEqual([]);
      expect(await supportTokens.list(store.db)).toEqual([]);
      // And the store is still usable afterwards.
      expect(await inbox.record(store.db, inboxEntry('WH-1'))).toBe('recorded');
    });

    test('a transaction that fails on a constraint rolls back its earlier writes', async (store) => {
      await seedCheckout(store, 'co_1');
      const outcome = store.transaction(async (trx) => {
        await inbox.record(trx, inboxEntry('WH-1'));
        await checkouts.insert(trx, newCheckout('co_1'));
      });
      await expect(outcome).rejects.toSatisfy(isUniqueViolation);
      expect(await inbox.get(store.db, inboxEntry('WH-1'))).toBeUndefined();
    });

    test('provider refs: bind fills links it is not given, and finds by any provider', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedLicense(store, 'lic_1', 'co_1');
      expect(await providerRefs.bind(store.db, { provider: 'paypal', ref: 'ORDER-1', kind: 'order', checkoutId: 'co_1' })).toBe('bound');
      expect(await providerRefs.find(store.db, 'paypal', 'ORDER-1')).toEqual({
        provider: 'paypal',
        ref: 'ORDER-1',
        kind: 'order',
        licenseId: null,
        checkoutId: 'co_1',
      });
      // The license comes later; a bind that does not name the checkout keeps it.
      expect(await providerRefs.bind(store.db, { provider: 'paypal', ref: 'ORDER-1', kind: 'order', licenseId: 'lic_1' })).toBe('bound');
      expect(await providerRefs.find(store.db, 'paypal', 'ORDER-1')).toMatchObject({ licenseId: 'lic_1', checkoutId: 'co_1' });
      // The same links again, by any road, any number of times.
      for (let i = 0; i < 3; i++) {
        expect(await providerRefs.bind(store.db, { provider: 'paypal', ref: 'ORDER-1', kind: 'order', licenseId: 'lic_1', checkoutId: 'co_1' })).toBe('bound');
      }
      expect(await providerRefs.bind(store.db, { provider: 'paypal', ref: 'ORDER-1', kind: 'order' })).toBe('bound');
      expect(await providerRefs.find(store.db, 'paypal', 'ORDER-1')).toMatchObject({ licenseId: 'lic_1', checkoutId: 'co_1' });

      await providerRefs.bind(store.db, { provider: 'paypal', ref: 'CAP-1', kind: 'capture', licenseId: 'lic_1', checkoutId: 'co_1' });
      await providerRefs.bind(store.db, { provider: 'paystack', ref: 'CAP-1', kind: 'sale' });
      expect((await providerRefs.findAnyProvider(store.db, 'CAP-1')).map((r) => [r.provider, r.kind])).toEqual([
        ['paypal', 'capture'],
        ['paystack', 'sale'],
      ]);
      expect((await providerRefs.listForLicense(store.db, 'lic_1')).map((r) => r.ref)).toEqual(['CAP-1', 'ORDER-1']);
      expect(await providerRefs.find(store.db, 'paypal', 'NOPE')).toBeUndefined();
      expect(await providerRefs.findAnyProvider(store.db, 'NOPE')).toEqual([]);
    });

    test('provider refs: a reference bound to one checkout or license is never re-pointed: conflict, nothing changed', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedCheckout(store, 'co_2');
      await seedLicense(store, 'lic_1', 'co_1');
      await seedLicense(store, 'lic_2', 'co_2');
      await providerRefs.bind(store.db, { provider: 'paypal', ref: 'I-SUB1', kind: 'subscription', checkoutId: 'co_1', licenseId: 'lic_1' });
      const bound = await providerRefs.find(store.db, 'paypal', 'I-SUB1');
      const claims: providerRefs.ProviderRefEntry[] = [
        { provider: 'paypal', ref: 'I-SUB1', kind: 'subscription', checkoutId: 'co_2' },
        { provider: 'paypal', ref: 'I-SUB1', kind: 'subscription', licenseId: 'lic_2' },
        { provider: 'paypal', ref: 'I-SUB1', kind: 'subscription', checkoutId: 'co_2', licenseId: 'lic_2' },
        { provider: 'paypal', ref: 'I-SUB1', kind: 'subscription', checkoutId: 'co_1', licenseId: 'lic_2' },
      ];
      for (const claim of claims) {
        expect(await providerRefs.bind(store.db, claim), JSON.stringify(claim)).toBe('conflict');
        expect(await providerRefs.find(store.db, 'paypal', 'I-SUB1')).toEqual(bound);
      }
      expect((await providerRefs.listForLicense(store.db, 'lic_2')).map((r) => r.ref)).toEqual([]);
    });

    test('provider refs: a conflicting claim fills no link either, even one still empty', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedCheckout(store, 'co_2');
      await seedLicense(store, 'lic_2', 'co_2');
      // Bound to its checkout at creation; no license yet.
      await providerRefs.bind(store.db, { provider: 'paypal', ref: 'ORDER-1', kind: 'order', checkoutId: 'co_1' });
      expect(await providerRefs.bind(store.db, { provider: 'paypal', ref: 'ORDER-1', kind: 'order', checkoutId: 'co_2', licenseId: 'lic_2' })).toBe('conflict');
      expect(await providerRefs.find(store.db, 'paypal', 'ORDER-1')).toMatchObject({ checkoutId: 'co_1', licenseId: null });
      expect((await providerRefs.listForLicense(store.db, 'lic_2')).map((r) => r.ref)).toEqual([]);
    });

    test('provider refs: bindOrThrow throws RefConflictError and the caller\'s transaction keeps nothing', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedCheckout(store, 'co_2');
      await providerRefs.bind(store.db, { provider: 'paypal', ref: 'I-SUB1', kind: 'subscription', checkoutId: 'co_1' });
      const attempt = store.transaction(async (trx) => {
        await providerRefs.bindOrThrow(trx, { provider: 'paypal', ref: 'SALE-1', kind: 'sale', checkoutId: 'co_2' });
        await audit.append(trx, { at: T0, actor: 'server', action: 'apply', target: 'co_2' });
        await providerRefs.bindOrThrow(trx, { provider: 'paypal', ref: 'I-SUB1', kind: 'subscription', checkoutId: 'co_2' });
      });
      const error = await attempt.then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(RefConflictError);
      expect((error as RefConflictError).ref).toBe('I-SUB1');
      expect(await providerRefs.find(store.db, 'paypal', 'SALE-1')).toBeUndefined();
      expect(await audit.listForTarget(store.db, 'co_2')).toEqual([]);
      expect(await providerRefs.find(store.db, 'paypal', 'I-SUB1')).toMatchObject({ checkoutId: 'co_1' });
      await expect(store.transaction((trx) => providerRefs.bindOrThrow(trx, { provider: 'paypal', ref: 'I-SUB1', kind: 'subscription', checkoutId: 'co_1' }))).resolves.toBeUndefined();
    });

    test('provider refs: of concurrent binders of one reference to different checkouts, exactly one wins', async (store) => {
      const racers = 8;
      for (let i = 0; i < racers; i++) await seedCheckout(store, `co_${i}`);
      const results = await Promise.all(
        Array.from({ length: racers }, (_, i) =>
          store.transaction(async (trx) => {
            const result = await providerRefs.bind(trx, { provider: 'paypal', ref: 'CAP-RACE', kind: 'capture', checkoutId: `co_${i}` });
            // Hold the transaction open a moment, so the others bind while this one has not committed.
            await new Promise((resolve) => setTimeout(resolve, 5));
            return result;
          }),
        ),
      );
      const winners = results.flatMap((result, i) => (result === 'bound' ? [`co_${i}`] : []));
      expect(winners).toHaveLength(1);
      expect(await providerRefs.find(store.db, 'paypal', 'CAP-RACE')).toMatchObject({ checkoutId: winners[0] });
    });

    test('job leases: only a lapsed (or never taken) lease can be taken, by anyone', async (store) => {
      expect(await jobLeases.acquire(store.db, 'reconcile', 'host-a', T0, T0 + 60_000)).toBe(true);
      expect(await jobLeases.acquire(store.db, 'reconcile', 'host-b', T0 + 1, T0 + 60_001)).toBe(false);
      expect(await jobLeases.acquire(store.db, 'reconcile', 'host-a', T0 + 59_999, T0 + 120_000)).toBe(false);
      // Another job's lease is its own.
      expect(await jobLeases.acquire(store.db, 'expire-checkouts', 'host-b', T0 + 1, T0 + 60_001)).toBe(true);
      expect(await leaseRow(store, 'reconcile')).toEqual({ name: 'reconcile', holder: 'host-a', leaseUntil: T0 + 60_000, lastRunAt: null });
      // Lapsed exactly at its end.
      expect(await jobLeases.acquire(store.db, 'reconcile', 'host-b', T0 + 60_000, T0 + 120_000)).toBe(true);
      expect(await leaseRow(store, 'reconcile')).toMatchObject({ holder: 'host-b', leaseUntil: T0 + 120_000 });
    });

    test('job leases: finished marks the run of the holder only', async (store) => {
      await jobLeases.acquire(store.db, 'reconcile', 'host-a', T0, T0 + 60_000);
      await jobLeases.finished(store.db, 'reconcile', 'host-b', T0 + 5);
      expect(await leaseRow(store, 'reconcile')).toMatchObject({ holder: 'host-a', lastRunAt: null });
      await jobLeases.finished(store.db, 'reconcile', 'host-a', T0 + 7);
      expect(await leaseRow(store, 'reconcile')).toMatchObject({ holder: 'host-a', leaseUntil: T0 + 60_000, lastRunAt: T0 + 7 });
    });

    test('job leases: of holders racing for a lease, new or lapsed, exactly one gets it', async (store) => {
      const race = (now: number) =>
        Promise.all(Array.from({ length: 6 }, (_, i) => jobLeases.acquire(store.db, 'reconcile', `host-${i}`, now, now + 60_000)));
      const first = await race(T0);
      expect(first.filter(Boolean)).toHaveLength(1);
      expect(await leaseRow(store, 'reconcile')).toMatchObject({ holder: `host-${first.indexOf(true)}` });
      expect((await race(T0 + 30_000)).filter(Boolean)).toHaveLength(0);
      const lapsed = await race(T0 + 60_000);
      expect(lapsed.filter(Boolean)).toHaveLength(1);
      expect(await leaseRow(store, 'reconcile')).toMatchObject({ holder: `host-${lapsed.indexOf(true)}`, leaseUntil: T0 + 120_000 });
    });

    test('checkouts: unsettledSince lists recent checkouts a buyer may have paid unseen, newest first, bounded', async (store) => {
      const since = T0 + 1_000;
      const seed = async (id: string, createdAt: number, status?: { to: 'approved' | 'expired' | 'cancelled' | 'completed' | 'failed'; at: number }) => {
        await checkouts.insert(store.db, { ...newCheckout(id), createdAt });
        if (status) await checkouts.updateStatus(store.db, id, { from: ['pending', 'approved'], to: status.to, at: status.at });
      };
      await seed('co_pending', T0 - 10_000);
      await seed('co_approved', T0 + 10);
      await seed('co_expired_recently', T0 + 20, { to: 'expired', at: since });
      await seed('co_cancelled_recently', T0 + 30, { to: 'cancelled', at: since + 5 });
      await seed('co_expired_long_ago', T0 + 40, { to: 'expired', at: since - 1 });
      await seed('co_completed', T0 + 50, { to: 'completed', at: since + 5 });
      await seed('co_failed', T0 + 60, { to: 'failed', at: since + 5 });
      await seed('co_licensed', T0 + 70);
      await seedLicense(store, 'lic_1', 'co_licensed');
      await checkouts.attachLicense(store.db, 'co_licensed', 'lic_1', T0 + 71);
      await checkouts.updateStatus(store.db, 'co_approved', { from: 'pending', to: 'approved', at: T0 + 11 });

      // Created since `since`, without a license, not completed or failed; the one created before is abandoned.
      const listed = await checkouts.unsettledSince(store.db, T0, 10);
      expect(listed.map((c) => c.id)).toEqual(['co_expired_long_ago', 'co_cancelled_recently', 'co_expired_recently', 'co_approved']);
      expect((await checkouts.unsettledSince(store.db, T0, 2)).map((c) => c.id)).toEqual(['co_expired_long_ago', 'co_cancelled_recently']);
      expect(listed[3]).toMatchObject({ id: 'co_approved', status: 'approved', licenseId: null });
      expect((await checkouts.unsettledSince(store.db, T0 - 20_000, 10)).map((c) => c.id)).toContain('co_pending');
    });

    test('licenses: dueForReconciliation — subscriptions not final, never read first, then least recently read; markReconciled', async (store) => {
      await seedCheckout(store, 'co_1');
      const sub = (id: string, createdAt: number, overrides: Partial<licenses.NewLicense> = {}) =>
        seedLicense(store, id, 'co_1', { subscriptionId: `I-${id}`, planId: 'enterprise-monthly', createdAt, ...overrides });
      await sub('lic_b_never', T0 + 1);
      await sub('lic_a_never', T0 + 2, { status: 'past_due' });
      await sub('lic_old_read', T0 + 3, { status: 'canceled' });
      await sub('lic_recent_read', T0 + 4);
      await sub('lic_suspended', T0 + 5, { status: 'suspended' });
      await sub('lic_disputed', T0 + 6, { status: 'disputed' });
      for (const status of ['expired', 'refunded', 'reversed', 'revoked', 'failed'] as const) await sub(`lic_${status}`, T0 + 7, { status, tier: 'free' });
      await seedLicense(store, 'lic_lifetime', 'co_1', { createdAt: T0 + 8 });
      await sub('lic_superseded', T0 + 9);
      await licenses.supersede(store.db, 'lic_superseded', 'lic_b_never', T0 + 10);
      await licenses.markReconciled(store.db, 'lic_old_read', T0 + 100);
      await licenses.markReconciled(store.db, 'lic_suspended', T0 + 200);
      await licenses.markReconciled(store.db, 'lic_disputed', T0 + 150);
      await licenses.markReconciled(store.db, 'lic_recent_read', T0 + 5_000);

      const readBefore = T0 + 1_000;
      const due = await licenses.dueForReconciliation(store.db, readBefore, 10);
      expect(due.map((l) => l.id)).toEqual(['lic_a_never', 'lic_b_never', 'lic_old_read', 'lic_disputed', 'lic_suspended']);
      expect(due[2]).toMatchObject({ id: 'lic_old_read', reconciledAt: T0 + 100 });
      expect((await licenses.dueForReconciliation(store.db, readBefore, 3)).map((l) => l.id)).toEqual(['lic_a_never', 'lic_b_never', 'lic_old_read']);

      await licenses.markReconciled(store.db, 'lic_a_never', T0 + 2_000);
      expect(await licenses.get(store.db, 'lic_a_never')).toMatchObject({ reconciledAt: T0 + 2_000, status: 'past_due', updatedAt: T0 + 2 });
      expect((await licenses.dueForReconciliation(store.db, readBefore, 10)).map((l) => l.id)).not.toContain('lic_a_never');
      expect((await licenses.dueForReconciliation(store.db, T0 + 2_001, 10)).map((l) => l.id)).toContain('lic_a_never');
    });

    test('support tokens: found by hash until revoked; names and hashes are unique', async (store) => {
      const alice = await supportTokens.insert(store.db, { id: 'tok_1', name: 'alice', tokenHash: 'hash-a', createdAt: T0 });
      await supportTokens.insert(store.db, { id: 'tok_2', name: 'bob', tokenHash: 'hash-b', createdAt: T0 + 1 });
      expect(await supportTokens.findByHash(store.db, 'hash-a')).toEqual(alice);
      expect(await supportTokens.findByHash(store.db, 'hash-x')).toBeUndefined();

      expect(await supportTokens.revoke(store.db, 'alice', T0 + 5)).toBe(true);
      expect(await supportTokens.revoke(store.db, 'alice', T0 + 6)).toBe(false);
      expect(await supportTokens.revoke(store.db, 'carol', T0 + 6)).toBe(false);
      expect(await supportTokens.findByHash(store.db, 'hash-a')).toBeUndefined();
      expect(await supportTokens.findByHash(store.db, 'hash-b')).toMatchObject({ name: 'bob' });
      expect(await supportTokens.list(store.db)).toEqual([
        { ...alice, revokedAt: T0 + 5 },
        { id: 'tok_2', name: 'bob', tokenHash: 'hash-b', createdAt: T0 + 1, revokedAt: null, role: 'read' },
      ]);

      for (const clash of [
        { id: 'tok_3', name: 'alice', tokenHash: 'hash-c', createdAt: T0 },
        { id: 'tok_4', name: 'dave', tokenHash: 'hash-b', createdAt: T0 },
      ]) {
        const error = await supportTokens.insert(store.db, clash).then(() => undefined, (e: unknown) => e);
        expect(isUniqueViolation(error), clash.id).toBe(true);
      }
    });

    test('license transfers: found by code hash, used once, counted per license since a time', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedLicense(store, 'lic_1', 'co_1');
      const transfer = { licenseId: 'lic_1', fromAnchor: 'anchor-a', expiresAt: T0 + 1_000 };
      await licenseTransfers.insert(store.db, { ...transfer, id: 'mov_1', codeHash: 'hash-1', createdAt: T0 });
      await licenseTransfers.insert(store.db, { ...transfer, id: 'mov_2', codeHash: 'hash-2', createdAt: T0 + 500 });
      await expect(licenseTransfers.insert(store.db, { ...transfer, id: 'mov_3', codeHash: 'hash-1', createdAt: T0 })).rejects.toSatisfy(isUniqueViolation);
      expect(await licenseTransfers.findByCodeHash(store.db, 'hash-2')).toEqual({ ...transfer, id: 'mov_2', codeHash: 'hash-2', createdAt: T0 + 500, redeemedAt: null, toAnchor: null });
      expect(await licenseTransfers.findByCodeHash(store.db, 'hash-9')).toBeUndefined();
      expect(await licenseTransfers.countSince(store.db, 'lic_1', T0)).toBe(2);
      expect(await licenseTransfers.countSince(store.db, 'lic_1', T0 + 1)).toBe(1);
      expect(await licenseTransfers.redeem(store.db, 'mov_1', 'anchor-b', T0 + 10)).toBe(true);
      expect(await licenseTransfers.redeem(store.db, 'mov_1', 'anchor-c', T0 + 20)).toBe(false);
      expect((await licenseTransfers.listByLicense(store.db, 'lic_1')).map((t) => [t.id, t.redeemedAt, t.toAnchor])).toEqual([
        ['mov_1', T0 + 10, 'anchor-b'],
        ['mov_2', null, null],
      ]);
    });

    test('audit: appended entries listed per target, oldest first', async (store) => {
      const first = await audit.append(store.db, {
        at: T0 + 2,
        actor: 'alice',
        action: 'license.revoke',
        target: 'lic_1',
        reason: 'chargeback',
        detail: { previousStatus: 'active' },
      });
      const second = await audit.append(store.db, { at: T0 + 1, actor: 'alice', action: 'lookup', target: 'lic_1' });
      const third = await audit.append(store.db, { at: T0 + 3, actor: 'bob', action: 'lookup', target: 'co_1' });
      await audit.append(store.db, { at: T0, actor: 'bob', action: 'lookup', target: 'lic_2' });
      expect(second).toBeGreaterThan(first);
      expect(third).toBeGreaterThan(second);

      const forLicense = await audit.listForTarget(store.db, 'lic_1');
      expect(forLicense).toEqual([
        { id: second, at: T0 + 1, actor: 'alice', action: 'lookup', target: 'lic_1', reason: null, detail: null },
        {
          id: first,
          at: T0 + 2,
          actor: 'alice',
          action: 'license.revoke',
          target: 'lic_1',
          reason: 'chargeback',
          detail: { previousStatus: 'active' },
        },
      ]);
      expect((await audit.listForTargets(store.db, ['co_1', 'lic_1'])).map((e) => e.id)).toEqual([second, first, third]);
      expect(await audit.listForTargets(store.db, [])).toEqual([]);
    });

    test('epoch-ms times round-trip exactly, up to the largest safe integer', async (store) => {
      const far = 8_640_000_000_000_000; // the latest time a Date can hold
      const largest = Number.MAX_SAFE_INTEGER;
      await checkouts.insert(store.db, { ...newCheckout('co_1'), createdAt: 0, expiresAt: largest });
      await seedLicense(store, 'lic_1', 'co_1', { createdAt: far, paidThrough: largest - 1 });
      await inbox.record(store.db, { ...inboxEntry('WH-1'), receivedAt: largest });

      const checkout = await checkouts.get(store.db, 'co_1');
      expect(checkout).toMatchObject({ createdAt: 0, updatedAt: 0, expiresAt: largest });
      expect(typeof checkout?.expiresAt).toBe('number');
      expect(await licenses.get(store.db, 'lic_1')).toMatchObject({ createdAt: far, updatedAt: far, paidThrough: largest - 1 });
      expect((await inbox.get(store.db, inboxEntry('WH-1')))?.receivedAt).toBe(largest);
    });

    test('50 concurrent transactions recording the same event: exactly one records it, all commit', async (store) => {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.transaction(async (trx) => {
            const result = await inbox.record(trx, { ...inboxEntry('WH-SAME'), receivedAt: T0 + i });
            await audit.append(trx, { at: T0 + i, actor: 'server', action: `delivery.${result}`, target: 'WH-SAME' });
            return result;
          }),
        ),
      );
      expect(results.filter((r) => r === 'recorded')).toHaveLength(1);
      expect(results.filter((r) => r === 'duplicate')).toHaveLength(49);
      const entries = await audit.listForTarget(store.db, 'WH-SAME');
      expect(entries.filter((e) => e.action === 'delivery.recorded')).toHaveLength(1);
      expect(entries).toHaveLength(50);
    });

    test('concurrent read-modify-write of one license under forUpdate loses no update', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedLicense(store, 'lic_1', 'co_1', { state: { applied: 0 } });
      const writers = 20;
      await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          store.transaction(async (trx) => {
            const license = await licenses.get(trx, 'lic_1', { forUpdate: true });
            const applied = (license?.state as { applied: number }).applied;
            // Yield so that, without the row lock, other transactions would read the same value meanwhile.
            await new Promise((resolve) => setTimeout(resolve, 2));
            await licenses.update(trx, 'lic_1', { state: { applied: applied + 1 }, updatedAt: T0 + i });
          }),
        ),
      );
      expect((await licenses.get(store.db, 'lic_1'))?.state).toEqual({ applied: writers });
      const locked = await checkouts.get(store.db, 'co_1', { forUpdate: true });
      expect(locked?.id).toBe('co_1');
    });

    test('one transaction can carry a batch of many webhook records (group commit)', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedLicense(store, 'lic_1', 'co_1');
      const batch = 500;
      const recorded = await store.transaction(async (trx) => {
        const results: string[] = [];
        for (let i = 0; i < batch; i += 1) {
          results.push(await inbox.record(trx, inboxEntry(`WH-${i % 400}`)));
          const event: BillingEvent = { id: `WH-${i}`, at: T0 + i, type: 'payment.pending', transactionId: `CAP-${i}` };
          await licenseEvents.append(trx, { licenseId: 'lic_1', source: 'provider', event, recordedAt: T0 + i });
        }
        return results;
      });
      expect(recorded.filter((r) => r === 'recorded')).toHaveLength(400);
      const count = await store.db.selectFrom('webhookInbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(400);
      expect(await licenseEvents.listByLicense(store.db, 'lic_1')).toHaveLength(batch);
    });
  });
}

function newCheckout(id: string, overrides: Partial<checkouts.NewCheckout> = {}): checkouts.NewCheckout {
  return {
    id,
    anchor: 'anchor-a',
    planId: 'enterprise-lifetime',
    kind: 'one_time',
    provider: 'paypal',
    amount: '49.00',
    currency: 'USD',
    pollTokenHash: `hash-${id}`,
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    ...overrides,
  };
}

function seedCheckout(store: Store, id: string): Promise<checkouts.CheckoutRecord> {
  return checkouts.insert(store.db, newCheckout(id));
}

function newLicense(id: string, checkoutId: string, overrides: Partial<licenses.NewLicense> = {}): licenses.NewLicense {
  return {
    id,
    anchor: 'anchor-a',
    planId: 'enterprise-lifetime',
    provider: 'paypal',
    checkoutId,
    status: 'active',
    tier: 'enterprise',
    state: { status: 'active' },
    createdAt: T0,
    ...overrides,
  };
}

function seedLicense(
  store: Store,
  id: string,
  checkoutId: string,
  overrides: Partial<licenses.NewLicense> = {},
  db: Parameters<typeof licenses.insert>[0] = store.db,
): Promise<licenses.LicenseRecord> {
  return licenses.insert(db, newLicense(id, checkoutId, overrides));
}

function inboxEntry(eventId: string): inbox.InboxEntry {
  return {
    provider: 'paypal',
    eventId,
    eventType: 'PAYMENT.CAPTURE.COMPLETED',
    resourceId: 'CAPTURE-1',
    outcome: 'applied',
    reason: null,
    receivedAt: T0,
  };
}

async function leaseRow(store: Store, name: string) {
  return store.db.selectFrom('jobLeases').selectAll().where('name', '=', name).executeTakeFirst();
}
