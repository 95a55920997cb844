// What a long-poll costs the store and what it answers: one read when it parks, one when it is woken, none while
// it waits unwoken (the change feed is its wake-up; the app's next poll reads anew), a fallback re-read where
// one is due, and nothing at all for a caller without the poll token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckoutService, type CheckoutDeps } from '../../server/checkouts/service';
import { CheckoutWaiters } from '../../server/checkouts/waiters';
import { hashSecret } from '../../server/ids';
import * as checkouts from '../../server/store/checkouts';
import { openStore, type Store } from '../../server/store/database';

const TOKEN = 'hbp_poll-token';

let dir: string;
let store: Store;
let statements = 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hb-long-poll-'));
  store = await openStore({ url: `sqlite:${join(dir, 'store.db')}` });
  await store.migrate();
  statements = 0;
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function checkout(id: string, expiresAt = Date.now() + 3_600_000): Promise<void> {
  await checkouts.insert(store.db, {
    id, anchor: 'anchor-a', planId: 'enterprise-lifetime', kind: 'one_time', provider: 'paypal', amount: '49.00', currency: 'USD',
    pollTokenHash: hashSecret(TOKEN), createdAt: Date.now(), expiresAt,
  });
}

/** The service with only what a poll uses; anything else it reached for would throw. */
function service(waiters: CheckoutWaiters, recheckMs: number): CheckoutService {
  const counted = new Proxy(store.db, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key === 'executeQuery') {
        return (...args: unknown[]) => {
          statements++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const used: Partial<CheckoutDeps> = {
    store: { ...store, db: counted, transaction: (fn) => store.transaction(fn), announceCheckouts: async () => undefined },
    clock: { now: () => Date.now() },
    waiters,
    recheckMs: () => recheckMs,
  };
  return new CheckoutService(new Proxy(used as CheckoutDeps, {
    get(target, key) {
      if (!(key in target)) throw new Error(`a poll reached for deps.${String(key)}`);
      return target[key as keyof CheckoutDeps];
    },
  }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a long-poll', () => {
  it('waits out its wait with the one read it made when it parked, when no re-read falls due before the end', async () => {
    await checkout('chk_1');
    const polls = service(new CheckoutWaiters(), 30_000);
    const started = Date.now();
    expect(await Promise.all(Array.from({ length: 20 }, () => polls.poll('chk_1', TOKEN, 1)))).toEqual(Array(20).fill({ status: 'pending' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(statements).toBe(20);
  });

  it('answers a change it is woken for from the one read the wake-up makes', async () => {
    await checkout('chk_1');
    const waiters = new CheckoutWaiters();
    const polls = service(waiters, 30_000);
    const answer = polls.poll('chk_1', TOKEN, 25);
    await sleep(50);
    expect([waiters.count, statements]).toEqual([1, 1]);
    await checkouts.updateStatus(store.db, 'chk_1', { from: 'pending', to: 'cancelled', at: Date.now() });
    waiters.notify('chk_1');
    expect(await answer).toEqual({ status: 'cancelled' });
    expect([waiters.count, statements]).toEqual([0, 2]);
  });

  it('finds a change nobody announced by its fallback re-read, where one is due', async () => {
    await checkout('chk_1');
    const polls = service(new CheckoutWaiters(), 100);
    const answer = polls.poll('chk_1', TOKEN, 25);
    await sleep(50);
    await checkouts.updateStatus(store.db, 'chk_1', { from: 'pending', to: 'cancelled', at: Date.now() });
    const changedAt = Date.now();
    expect(await answer).toEqual({ status: 'cancelled' });
    expect(Date.now() - changedAt).toBeLessThan(1_000);
  });

  it('answers a server closing with the checkout as it is then, changed or not', async () => {
    await checkout('chk_1');
    await checkout('chk_2');
    const waiters = new CheckoutWaiters();
    const polls = service(waiters, 30_000);
    const answers = Promise.all([polls.poll('chk_1', TOKEN, 25), polls.poll('chk_2', TOKEN, 25)]);
    await sleep(50);
    await checkouts.updateStatus(store.db, 'chk_1', { from: 'pending', to: 'approved', at: Date.now() });
    waiters.close();
    expect(await answers).toEqual([{ status: 'approved' }, { status: 'pending' }]);
    expect(waiters.count).toBe(0);
  });

  it('refuses a caller without the poll token at once: nothing parked, an overdue checkout left as it is', async () => {
    await checkout('chk_1');
    await checkout('chk_overdue', Date.now() - 1);
    const waiters = new CheckoutWaiters();
    const polls = service(waiters, 30_000);
    const started = Date.now();
    await expect(polls.poll('chk_1', 'hbp_wrong', 25)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(polls.poll('chk_overdue', undefined, 25)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(polls.poll('chk_none', TOKEN, 25)).rejects.toMatchObject({ status: 404, code: 'checkout_not_found' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(waiters.count).toBe(0);
    expect((await checkouts.get(store.db, 'chk_overdue'))?.status).toBe('pending');
    expect(await polls.poll('chk_overdue', TOKEN, 25)).toEqual({ status: 'expired' });
  });
});
