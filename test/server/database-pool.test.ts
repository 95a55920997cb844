// HARDBOUND_DB_POOL_SIZE: read from the environment like every other setting (a default, a range, a sentence naming
// a bad value), and the PostgreSQL pool holds no more connections than it says.
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../server/config/env';
import { openStore, type Store } from '../../server/store/database';
import { itWithSystem } from '../support/system';
import { createTestSchema, probePostgres } from './support-pg';

const DEV = { HARDBOUND_MODE: 'development' } as const;

function parsed(env: Record<string, string>): { size: number } | { problems: string[] } {
  const result = configFromEnv({ ...DEV, ...env }, tmpdir());
  return 'config' in result ? { size: result.config.databasePoolSize } : { problems: result.problems };
}

describe('HARDBOUND_DB_POOL_SIZE', () => {
  it('is 10 when unset or empty, as pg\'s own default', () => {
    expect(parsed({})).toEqual({ size: 10 });
    expect(parsed({ HARDBOUND_DB_POOL_SIZE: '' })).toEqual({ size: 10 });
  });

  it('takes a whole number from 3 to 100', () => {
    expect(parsed({ HARDBOUND_DB_POOL_SIZE: '3' })).toEqual({ size: 3 });
    expect(parsed({ HARDBOUND_DB_POOL_SIZE: '25' })).toEqual({ size: 25 });
    expect(parsed({ HARDBOUND_DB_POOL_SIZE: '100' })).toEqual({ size: 100 });
  });

  it.each(['0', '1', '2', '101', '7.5', 'ten', '-4'])('refuses %s in one sentence naming it', (raw) => {
    expect(parsed({ HARDBOUND_DB_POOL_SIZE: raw })).toEqual({ problems: [`HARDBOUND_DB_POOL_SIZE="${raw}" must be a whole number from 3 to 100`] });
  });
});

const postgres = await probePostgres();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** How many server backends answer `concurrent` queries started at once, each held long enough to overlap. */
async function backendsUsed(poolSize: number | undefined, concurrent: number): Promise<number> {
  const schema = await createTestSchema();
  cleanups.push(() => schema.drop());
  const store: Store = await openStore({ url: schema.url, poolSize });
  cleanups.push(() => store.close());
  const pids = await Promise.all(Array.from({ length: concurrent }, async () =>
    (await sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.2)`.execute(store.db)).rows[0]?.pid));
  return new Set(pids).size;
}

describe('the PostgreSQL pool', () => {
  itWithSystem(postgres, 'holds at most the configured number of connections', async () => {
    expect(await backendsUsed(3, 8)).toBe(3);
  });

  itWithSystem(postgres, 'holds up to 10 without a size', async () => {
    expect(await backendsUsed(undefined, 14)).toBe(10);
  });
});
