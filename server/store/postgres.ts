// PostgreSQL through a pg Pool. int8 (our epoch-ms columns, counts) is parsed to number for this pool only:
// epoch milliseconds stay far below 2^53, and the global pg type registry is left alone.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database';
import { StoreError } from './errors';
import { namingPlugin } from './naming';

const INT8_OID = 20;
const CONNECT_TIMEOUT_MS = 5_000;

const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

export async function openPostgres(url: string, onBackgroundError: (error: Error) => void): Promise<Kysely<Database>> {
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types: { getTypeParser } });
  pool.on('error', onBackgroundError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [namingPlugin()] });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new StoreError('store_unavailable', `PostgreSQL is not reachable: ${describe(error)}`, { cause: error });
  }
  return db;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
