// The store conformance suite: one body, run against SQLite and PostgreSQL. Each test gets a fresh, migrated
// store (a temp file, or a private PostgreSQL schema) and disposes of it afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import type { BillingEvent } from '../../server/billing/events';
import * as audit from '../../server/store/audit';
import * as checkouts from '../../server/store/checkouts';
import { openStore, type Queryable, type Store } from '../../server/store/database';
import { isUniqueViolation } from '../../server/store/errors';
import * as inbox from '../../server/store/inbox';
import * as licenseEvents from '../../server/store/license-events';
import * as licenseTransfers from '../../server/store/license-transfers';
import * as licenses from '../../server/store/licenses';
import { precompiled } from '../../server/store/precompiled';
import * as providerRefs from '../../server/store/provider-refs';
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

    test('migrating again is a no-op that keeps the data', async (store) => {
      await seedCheckout(store, 'co_1');
      await store.migrate();
      await store.migrate();
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db);
      expect(applied.rows.map((r) => r.name)).toEqual(['0001-initial', '0101-license-transfers']);
      expect(await checkouts.get(store.db, 'co_1')).toMatchObject({ id: 'co_1', status: 'pending' });
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

    test('licenses: listByAnchor and activeForAnchor', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedLicense(store, 'lic_old', 'co_1', { createdAt: T0 });
      await seedLicense(store, 'lic_refunded', 'co_1', { createdAt: T0 + 1, status: 'refunded', tier: 'free' });
      await seedLicense(store, 'lic_new', 'co_1', { createdAt: T0 + 2, status: 'past_due' });
      await seedLicense(store, 'lic_other', 'co_1', { createdAt: T0 + 3, anchor: 'anchor-b' });

      const listed = await licenses.listByAnchor(store.db, 'anchor-a');
      expect(listed.map((l) => l.id)).toEqual(['lic_old', 'lic_refunded', 'lic_new']);
      expect((await licenses.activeForAnchor(store.db, 'anchor-a')).map((l) => l.id)).toEqual(['lic_new', 'lic_old']);

      expect(await licenses.supersede(store.db, 'lic_old', 'lic_new', T0 + 10)).toBe(true);
      expect(await licenses.supersede(store.db, 'lic_old', 'lic_other', T0 + 11)).toBe(false);
      expect(await licenses.get(store.db, 'lic_old')).toMatchObject({ supersededBy: 'lic_new', status: 'active', updatedAt: T0 + 10 });
      expect((await licenses.activeForAnchor(store.db, 'anchor-a')).map((l) => l.id)).toEqual(['lic_new']);
      expect(await licenses.activeForAnchor(store.db, 'anchor-none')).toEqual([]);
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

    test('inbox: first delivery recorded, later ones duplicate; outcome can be set', async (store) => {
      const entry = inboxEntry('WH-1');
      expect(await inbox.record(store.db, entry)).toBe('recorded');
      expect(await inbox.record(store.db, { ...entry, outcome: 'ignored', receivedAt: T0 + 1 })).toBe('duplicate');
      expect(await inbox.record(store.db, { ...entry, provider: 'paystack' })).toBe('recorded');
      expect(await inbox.get(store.db, 'paypal', 'WH-1')).toEqual(entry);

      expect(await inbox.setOutcome(store.db, 'paypal', 'WH-1', 'unmatched')).toBe(true);
      expect(await inbox.get(store.db, 'paypal', 'WH-1')).toMatchObject({ outcome: 'unmatched', receivedAt: T0 });
      expect(await inbox.setOutcome(store.db, 'paypal', 'WH-missing', 'applied')).toBe(false);
      expect(await inbox.get(store.db, 'paypal', 'WH-missing')).toBeUndefined();
    });

    test('precompiled statements: compiled once per handle, right rows for new arguments, constants kept', async (store) => {
      const byTypeAndOutcome = precompiled((db, eventType: string, after: number) =>
        db.selectFrom('webhook_inbox').select('event_id').where('event_type', '=', eventType).where('outcome', '=', 'ignored')
          .where('received_at', '>', after).orderBy('event_id'),
      );
      await inbox.record(store.db, { ...inboxEntry('WH-1'), eventType: 'A', outcome: 'ignored' });
      await inbox.record(store.db, { ...inboxEntry('WH-2'), eventType: 'A', outcome: 'applied' });
      await inbox.record(store.db, { ...inboxEntry('WH-3'), eventType: 'B', outcome: 'ignored', receivedAt: T0 + 5 });
      const ids = async (db: Queryable, type: string, after: number) => (await byTypeAndOutcome(db, type, after)).rows.map((r) => r.event_id);
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
      const inlined = precompiled((db, eventId: string) => db.selectFrom('webhook_inbox').selectAll().where(sql.lit(eventId), '=', 'x'));
      const twice = precompiled((db, eventId: string) => db.selectFrom('webhook_inbox').selectAll().where('event_id', '=', eventId).where('resource_id', '=', eventId));
      const computed = precompiled((db, eventId: string) => db.selectFrom('webhook_inbox').selectAll().where('event_id', '=', eventId.toUpperCase()));
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
      expect(await inbox.get(store.db, 'paypal', 'WH-1')).toMatchObject({ outcome: 'applied' });
      expect(await inbox.get(store.db, 'paypal', 'WH-2')).toBeDefined();
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
        await providerRefs.upsert(trx, { provider: 'paypal', ref: 'ORDER-1', kind: 'order', checkoutId: 'co_1' });
        await audit.append(trx, { at: T0, actor: 'server', action: 'x', target: 'co_1' });
        await supportTokens.insert(trx, { id: 'tok_1', name: 'alice', tokenHash: 'h1', createdAt: T0 });
        throw failure;
      });
      await expect(outcome).rejects.toBe(failure);

      expect(await checkouts.get(store.db, 'co_1')).toMatchObject({ status: 'pending', updatedAt: T0 });
      expect(await checkouts.get(store.db, 'co_2')).toBeUndefined();
      expect(await licenses.get(store.db, 'lic_1')).toBeUndefined();
      expect(await inbox.get(store.db, 'paypal', 'WH-1')).toBeUndefined();
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
      expect(await inbox.get(store.db, 'paypal', 'WH-1')).toBeUndefined();
    });

    test('provider refs: upsert keeps links it is not given and finds by any provider', async (store) => {
      await seedCheckout(store, 'co_1');
      await seedLicense(store, 'lic_1', 'co_1');
      await providerRefs.upsert(store.db, { provider: 'paypal', ref: 'ORDER-1', kind: 'order', checkoutId: 'co_1' });
      expect(await providerRefs.find(store.db, 'paypal', 'ORDER-1')).toEqual({
        provider: 'paypal',
        ref: 'ORDER-1',
        kind: 'order',
        licenseId: null,
        checkoutId: 'co_1',
      });
      await providerRefs.upsert(store.db, { provider: 'paypal', ref: 'ORDER-1', kind: 'order', licenseId: 'lic_1' });
      expect(await providerRefs.find(store.db, 'paypal', 'ORDER-1')).toMatchObject({ licenseId: 'lic_1', checkoutId: 'co_1' });

      await providerRefs.upsert(store.db, { provider: 'paypal', ref: 'CAP-1', kind: 'capture', licenseId: 'lic_1', checkoutId: 'co_1' });
      await providerRefs.upsert(store.db, { provider: 'paystack', ref: 'CAP-1', kind: 'sale' });
      expect((await providerRefs.findAnyProvider(store.db, 'CAP-1')).map((r) => [r.provider, r.kind])).toEqual([
        ['paypal', 'capture'],
        ['paystack', 'sale'],
      ]);
      expect((await providerRefs.listForLicense(store.db, 'lic_1')).map((r) => r.ref)).toEqual(['CAP-1', 'ORDER-1']);
      expect(await providerRefs.find(store.db, 'paypal', 'NOPE')).toBeUndefined();
      expect(await providerRefs.findAnyProvider(store.db, 'NOPE')).toEqual([]);
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
        { id: 'tok_2', name: 'bob', tokenHash: 'hash-b', createdAt: T0 + 1, revokedAt: null },
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
      expect((await inbox.get(store.db, 'paypal', 'WH-1'))?.receivedAt).toBe(largest);
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
      const count = await store.db.selectFrom('webhook_inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
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
    receivedAt: T0,
  };
}
