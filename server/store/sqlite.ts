// SQLite through better-sqlite3: one connection (Kysely serializes its use), WAL with synchronous=FULL so a
// commit is durable when it returns, and IMMEDIATE transactions so a second process waits (busy_timeout) for
// the write lock at BEGIN instead of failing when a reader tries to upgrade mid-transaction.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  SelectQueryNode,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type SelectModifier,
  type SqliteDatabase,
  type UnknownRow,
} from 'kysely';
import type { Database } from './database';
import { StoreError } from './errors';
import { namingPlugin } from './naming';

const BUSY_TIMEOUT_MS = 5_000;
const MEMORY = ':memory:';

/** Savepoint commands the group commit issues around each piece of a batch (see group-commit.ts). */
export type SavepointCommand = 'savepoint piece' | 'release savepoint piece' | 'rollback to savepoint piece';

export interface SqliteStore {
  db: Kysely<Database>;
  /**
   * Runs a savepoint command on the one connection directly, without Kysely: only while a transaction on `db`
   * holds that connection, which is what makes the order of the two safe. Twice per webhook, Kysely's own
   * path costs several times the command.
   */
  savepoint(command: SavepointCommand): void;
}

export function openSqlite(path: string): SqliteStore {
  let sqlite: BetterSqlite3.Database;
  try {
    if (path !== MEMORY) mkdirSync(dirname(path), { recursive: true });
    sqlite = new BetterSqlite3(path, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new StoreError('store_unavailable', `Cannot open the SQLite store at ${path}: ${detail}`, { cause: error });
  }
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }),
    plugins: [namingPlugin(), new WithoutRowLocks()],
  });
  const commands = new Map<SavepointCommand, BetterSqlite3.Statement>();
  return {
    db,
    savepoint(command) {
      let statement = commands.get(command);
      if (statement === undefined) {
        statement = sqlite.prepare(command);
        commands.set(command, statement);
      }
      statement.run();
    },
  };
}

const STATEMENT_CACHE_SIZE = 200;

/**
 * Kysely prepares every query afresh; the repositories issue a few dozen distinct SQL texts, and reusing their
 * prepared statements saves a large share of each write's CPU time (group commit at thousands of webhooks/s).
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement === undefined) {
        statement = sqlite.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      } else {
        cache.delete(text); // re-inserted below: Map order doubles as least-recently-used order
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

const ROW_LOCKS = new Set<SelectModifier>(['ForUpdate', 'ForNoKeyUpdate', 'ForShare', 'ForKeyShare', 'NoWait', 'SkipLocked']);

/**
 * Repositories ask for `SELECT … FOR UPDATE` where PostgreSQL needs a row lock; SQLite has no such clause and
 * needs none (an IMMEDIATE transaction already holds the database's only write lock), so it is dropped here.
 */
class WithoutRowLocks implements KyselyPlugin {
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (!SelectQueryNode.is(node) || !node.endModifiers) return node;
    return { ...node, endModifiers: node.endModifiers.filter((m) => !m.modifier || !ROW_LOCKS.has(m.modifier)) };
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}
