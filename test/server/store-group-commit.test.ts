// Group commit on SQLite (store.groupCommit): pieces queued together share one transaction and one commit,
// each is acknowledged only once that commit is durable, a failing piece rolls back alone, and a batch that
// cannot commit acknowledges nobody.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../server/store/database';
import { StoreError } from '../../server/store/errors';
import * as inbox from '../../server/store/inbox';

let dir: string;
let store: Store;
let reader: BetterSqlite3.Database;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hardbound-group-commit-'));
  store = await openStore({ url: `sqlite:${join(dir, 'store.db')}` });
  await store.migrate();
  // Another connection to the same file sees committed rows only.
  reader = new BetterSqlite3(join(dir, 'store.db'), { readonly: true });
});

afterEach(async () => {
  reader.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const entry = (eventId: string): inbox.InboxEntry => ({
  provider: 'paypal', eventId, eventType: 'PAYMENT.CAPTURE.COMPLETED', resourceId: null, outcome: 'unmatched', receivedAt: 1,
});

const committed = (eventId: string): boolean =>
  reader.prepare('select 1 from webhook_inbox where event_id = ?').get(eventId) !== undefined;

const record = (eventId: string) => store.groupCommit((trx) => inbox.record(trx, entry(eventId)));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => 'resolved', (error: unknown) => error);
}

describe('store.groupCommit on SQLite', () => {
  it('runs pieces queued together in one transaction and acknowledges each only after its commit', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `WH-${i}`);
    const seenInside: boolean[] = [];
    const seenOutside: boolean[] = [];
    const acknowledgedCommitted: boolean[] = [];
    const pieces = ids.map((id) =>
      store
        .groupCommit(async (trx) => {
          const result = await inbox.record(trx, entry(id));
          // The first piece's row: written in this very transaction, not yet visible to anyone else.
          seenInside.push((await inbox.get(trx, { ...entry('WH-0') })) !== undefined);
          seenOutside.push(committed('WH-0'));
          return result;
        })
        .then((result) => {
          acknowledgedCommitted.push(committed(id));
          return result;
        }),
    );
    expect(await Promise.all(pieces)).toEqual(ids.map(() => 'recorded'));
    expect(seenInside).toEqual(ids.map(() => true));
    expect(seenOutside).toEqual(ids.map(() => false));
    expect(acknowledgedCommitted).toEqual(ids.map(() => true));
  });

  it('rolls a failing piece back alone; the others commit', async () => {
    const boom = new Error('boom');
    const [a, b, c] = await Promise.all([
      record('WH-A'),
      rejection(store.groupCommit(async (trx) => {
        await inbox.record(trx, entry('WH-B'));
        throw boom;
      })),
      record('WH-C'),
    ]);
    expect(a).toBe('recorded');
    expect(b).toBe(boom);
    expect(c).toBe('recorded');
    expect([committed('WH-A'), committed('WH-B'), committed('WH-C')]).toEqual([true, false, true]);
  });

  it('keeps duplicates no-ops inside one batch: the second claim of an event sees the first', async () => {
    expect(await Promise.all([record('WH-D'), record('WH-D')])).toEqual(['recorded', 'duplicate']);
    expect(reader.prepare("select count(*) from webhook_inbox where event_id = 'WH-D'").pluck().get()).toBe(1);
  });

  it('acknowledges nobody when the batch cannot commit, and the next batch works', async () => {
    const results = await Promise.all([
      rejection(record('WH-E')),
      // Ends the shared transaction behind the batch's back: nothing of it can be made durable any more.
      rejection(store.groupCommit((trx) => sql`rollback`.execute(trx))),
      rejection(record('WH-F')),
    ]);
    for (const result of results) expect(result).toBeInstanceOf(Error);
    expect([committed('WH-E'), committed('WH-F')]).toEqual([false, false]);
    expect(await record('WH-G')).toBe('recorded');
    expect(committed('WH-G')).toBe(true);
  });

  it('finishes queued work on close and refuses work after it', async () => {
    const queued = record('WH-H');
    await store.close();
    expect(await queued).toBe('recorded');
    expect(committed('WH-H')).toBe(true);
    const refused = await rejection(record('WH-I'));
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as StoreError).code).toBe('store_unavailable');
    store = await openStore({ url: `sqlite:${join(dir, 'store.db')}` }); // afterEach closes it
  });
});
