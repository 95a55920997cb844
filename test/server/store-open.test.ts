// Opening a store: URL forms, SQLite's durability and locking settings, PostgreSQL reachability and
// concurrent migration, and the coded errors for each way opening or migrating can fail.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import * as checkouts from '../../server/store/checkouts';
import { openStore, type Store } from '../../server/store/database';
import { StoreError } from '../../server/store/errors';
import { parseStoreUrl } from '../../server/store/store-url';
import { itWithSystem } from '../support/system';
import { createTestSchema, probePostgres, type TestSchema } from './support-pg';

const postgres = await probePostgres();
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hardbound-store-open-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function opened(url: string): Promise<Store> {
  const store = await openStore({ url });
  cleanups.push(() => store.close());
  return store;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('store URLs', () => {
  it('reads the SQLite and PostgreSQL forms', () => {
    expect(parseStoreUrl('sqlite:/var/lib/hb/store.db')).toEqual({ dialect: 'sqlite', path: '/var/lib/hb/store.db' });
    expect(parseStoreUrl('sqlite:///var/lib/hb/store.db')).toEqual({ dialect: 'sqlite', path: '/var/lib/hb/store.db' });
    expect(parseStoreUrl('sqlite:data/store.db')).toEqual({ dialect: 'sqlite', path: 'data/store.db' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
    expect(parseStoreUrl('postgres://u@db:5432/hb')).toEqual({ dialect: 'postgres', url: 'postgres://u@db:5432/hb' });
    expect(parseStoreUrl('postgresql://u@db/hb')).toEqual({ dialect: 'postgres', url: 'postgresql://u@db/hb' });
  });

  it('rejects other schemes with a code, without echoing credentials', async () => {
    for (const url of ['mysql://root:s3cret@db/hb', 'sqlite:', '/plain/path.db']) {
      const error = await failure(openStore({ url }));
      expect(error, url).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe('store_url_invalid');
      expect((error as StoreError).message).not.toContain('s3cret');
    }
  });
});

describe('SQLite store', () => {
  it('uses WAL, synchronous=FULL, a busy timeout and foreign keys', async () => {
    const store = await opened(`sqlite:${join(tempDir(), 'store.db')}`);
    const pragma = async (name: string) =>
      Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db)).rows[0] ?? {})[0];
    expect(store.dialect).toBe('sqlite');
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2);
    expect(await pragma('busy_timeout')).toBe(5000);
    expect(await pragma('foreign_keys')).toBe(1);
  });

  it('creates the data folder and keeps committed data across reopening', async () => {
    const file = join(tempDir(), 'nested', 'deeper', 'store.db');
    const first = await openStore({ url: `sqlite:${file}` });
    await first.migrate();
    await checkouts.insert(first.db, {
      id: 'co_1',
      anchor: 'anchor-a',
      planId: 'p',
      kind: 'one_time',
      provider: 'paypal',
      amount: '1.00',
      currency: 'USD',
      pollTokenHash: 'h',
      createdAt: 1,
      expiresAt: 2,
    });
    await first.close();
    expect(existsSync(file)).toBe(true);

    const second = await opened(`sqlite:${file}`);
    await second.migrate();
    expect(await checkouts.get(second.db, 'co_1')).toMatchObject({ id: 'co_1', status: 'pending' });
  });

  it('takes the write lock when a transaction begins, so another process waits at BEGIN', async () => {
    const file = join(tempDir(), 'store.db');
    const store = await opened(`sqlite:${file}`);
    await store.migrate();
    const other = new BetterSqlite3(file, { timeout: 0 });
    cleanups.push(() => {
      other.close();
    });

    await store.transaction(async (trx) => {
      await checkouts.get(trx, 'co_1');
      expect(() => other.exec('begin immediate')).toThrow(/locked|busy/i);
    });
    other.exec('begin immediate');
    other.exec('rollback');
  });

  it('reports a path it cannot open with a code', async () => {
    const notAFolder = join(tempDir(), 'file');
    writeFileSync(notAFolder, '');
    const error = await failure(openStore({ url: `sqlite:${join(notAFolder, 'store.db')}` }));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'store_unavailable' });
  });

  it('works in memory', async () => {
    const store = await opened('sqlite::memory:');
    await store.migrate();
    expect(await checkouts.get(store.db, 'co_1')).toBeUndefined();
  });

  it('reports a failed migration with a code and the migration name', async () => {
    const file = join(tempDir(), 'store.db');
    const squatter = new BetterSqlite3(file);
    squatter.exec('create table checkouts (id text)');
    squatter.close();
    const store = await opened(`sqlite:${file}`);
    const error = await failure(store.migrate());
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'migration_failed' });
    expect((error as StoreError).message).toContain('0001-initial');
  });
});

describe('PostgreSQL store', () => {
  it('reports an unreachable server with a code', async () => {
    const error = await failure(openStore({ url: 'postgres://postgres@127.0.0.1:1/test' }));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'store_unavailable' });
  });

  itWithSystem(postgres, 'several processes migrating at once apply each migration once', async () => {
    const schema: TestSchema = await createTestSchema();
    cleanups.push(() => schema.drop());
    const stores = await Promise.all(Array.from({ length: 4 }, () => opened(schema.url)));
    expect(stores.every((s) => s.dialect === 'postgres')).toBe(true);
    await Promise.all(stores.map((s) => s.migrate()));
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(stores[0]!.db);
    const names = applied.rows.map((r) => r.name);
    expect(names[0]).toBe('0001-initial');
    expect(new Set(names).size).toBe(names.length);
  });

  itWithSystem(postgres, 'migrates its own schema while another schema of the database already has migration tables', async () => {
    // Another application (or another Hardbound) in the same database, already migrated.
    const neighbour: TestSchema = await createTestSchema();
    cleanups.push(() => neighbour.drop());
    await (await opened(neighbour.url)).migrate();

    const schema: TestSchema = await createTestSchema();
    cleanups.push(() => schema.drop());
    const store = await opened(schema.url);
    await store.migrate();
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() order by table_name`.execute(store.db);
    const ours = [
      'audit_log', 'checkouts', 'job_leases', 'job_runs', 'kysely_migration', 'kysely_migration_lock', 'license_events', 'license_transfers',
      'licenses', 'provider_refs', 'server_instances', 'support_sessions', 'support_tokens', 'webhook_inbox',
    ];
    expect(tables.rows.map((r) => (r as unknown as { tableName: string }).tableName)).toEqual(ours);
    // What the migrator is told exists: this schema's tables, never the neighbour's.
    const introspected = await store.db.introspection.getTables({ withInternalKyselyTables: true });
    expect(introspected.map((t) => t.name)).toEqual(ours);
    expect(new Set(introspected.map((t) => t.schema)).size).toBe(1);
    expect(await store.db.introspection.getSchemas()).toEqual([{ name: introspected[0]?.schema }]);
  });
});
