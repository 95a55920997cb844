// PostgreSQL for tests: whether it is reachable (as a SystemPart for itWithSystem), and a private schema per
// store so test files running at the same time never see each other's tables.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { SystemPart } from '../support/system';

export const POSTGRES_URL = process.env.HARDBOUND_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function probePostgres(url = POSTGRES_URL): Promise<SystemPart> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return { available: true, reason: '' };
  } catch (error) {
    return { available: false, reason: `PostgreSQL not reachable at ${new URL(url).host}: ${(error as Error).message}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestSchema {
  /** POSTGRES_URL with this schema first on the search_path: tables and migrations land in it. */
  url: string;
  drop(): Promise<void>;
}

export async function createTestSchema(url = POSTGRES_URL): Promise<TestSchema> {
  const schema = `hb_test_${randomBytes(8).toString('hex')}`;
  await adminQuery(url, `create schema ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: scoped.toString(),
    drop: () => adminQuery(url, `drop schema if exists ${schema} cascade`),
  };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
