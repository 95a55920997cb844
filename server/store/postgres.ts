// PostgreSQL through a pg Pool. int8 (our epoch-ms columns, counts) is parsed to number for this pool only:
// epoch milliseconds stay far below 2^53, and the global pg type registry is left alone.
import {
  Kysely,
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import pg from 'pg';
import type { Database } from './database';
import { StoreError } from './errors';
import { namingPlugin } from './naming';

const INT8_OID = 20;
const CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_POOL_SIZE = 10;

const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

/** The pool, checked to answer, and the schema our tables live in (the first existing one of the search_path). */
export async function openPostgres(
  url: string,
  onBackgroundError: (error: Error) => void,
  poolSize = DEFAULT_POOL_SIZE,
): Promise<{ db: Kysely<Database>; schema: string }> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types: { getTypeParser } });
  pool.on('error', onBackgroundError);
  // A connection can also fail while checked out and idle (a job holding its lock, a backend ended by an
  // administrator or a failover): pg emits that on the client, where nobody listens, which would end the
  // process. Reported here instead; the query using it fails as any other.
  pool.on('connect', (client) => client.on('error', onBackgroundError));
  const db = new Kysely<Database>({ dialect: new OwnSchemaPostgresDialect({ pool }), plugins: [namingPlugin()] });
  let schema: string | null | undefined;
  try {
    schema = (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
  } catch (error) {
    await db.destroy();
    throw new StoreError('store_unavailable', `PostgreSQL is not reachable: ${describe(error)}`, { cause: error });
  }
  if (!schema) {
    await db.destroy();
    throw new StoreError('store_unavailable', 'PostgreSQL: no schema of the search_path exists; create it or set search_path in DATABASE_URL (options=-c search_path=…)');
  }
  return { db, schema };
}

class OwnSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}

/**
 * What Kysely's migrator asks before it creates its own tables: which tables exist. Kysely's PostgreSQL
 * introspector answers for every schema of the database, which goes wrong twice where other schemas exist (other
 * applications, other Hardbound servers, tests running side by side): another schema's kysely_migration counts as
 * ours, so ours is never created and the migration fails; and its per-schema privilege check fails outright when
 * another schema is dropped while it runs. This one looks at our schema alone (the first existing one of the
 * search_path), straight in the catalog. It names tables only, no columns: the migrator is its one user.
 */
class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(this.db);
    return rows.flatMap((r) => (r.name ? [{ name: r.name }] : []));
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, n.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'p', 'v', 'm')
      order by c.relname`.execute(this.db);
    return rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.kind === 'v' || r.kind === 'm', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
