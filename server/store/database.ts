// The server's whole persistent state, one Kysely schema over SQLite and PostgreSQL. Only the whitelist of
// DESIGN.md "Data kept" has a column here: no payer PII, no raw webhook bodies, no secrets in clear.
// Times are epoch milliseconds (bigint in PostgreSQL, parsed back to number); money is a decimal string.
import type { Generated, Kysely, Transaction } from 'kysely';
import type { CheckoutStatus } from '../../common/api';
import type { LicenseStatus } from '../../common/license';
import type { Tier } from '../../common/plans';
import { GroupCommit, MAX_BATCH } from './group-commit';
import { migrateToLatest } from './migrations/index';
import { openPostgres } from './postgres';
import { openSqlite } from './sqlite';
import { parseStoreUrl } from './store-url';

export type CheckoutKind = 'one_time' | 'recurring';
export type EventSource = 'provider' | 'support' | 'server';
export type InboxOutcome = 'applied' | 'ignored' | 'unmatched';
export type ProviderRefKind = 'order' | 'capture' | 'subscription' | 'sale' | 'refund' | 'dispute';

export interface CheckoutsTable {
  id: string;
  anchor: string;
  plan_id: string;
  kind: CheckoutKind;
  provider: string;
  provider_order_id: string | null;
  provider_subscription_id: string | null;
  amount: string;
  currency: string;
  status: CheckoutStatus;
  failure_reason: string | null;
  poll_token_hash: string;
  license_id: string | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

export interface LicensesTable {
  id: string;
  anchor: string;
  plan_id: string;
  provider: string;
  checkout_id: string;
  status: LicenseStatus;
  tier: Tier;
  transaction_id: string | null;
  order_id: string | null;
  subscription_id: string | null;
  amount: string | null;
  currency: string | null;
  paid_through: number | null;
  superseded_by: string | null;
  state_json: string;
  created_at: number;
  updated_at: number;
}

export interface LicenseEventsTable {
  id: Generated<number>;
  license_id: string;
  event_id: string;
  type: string;
  source: EventSource;
  occurred_at: number;
  recorded_at: number;
  transaction_id: string | null;
  amount: string | null;
  currency: string | null;
  reference: string | null;
  event_json: string;
}

export interface WebhookInboxTable {
  provider: string;
  event_id: string;
  event_type: string;
  resource_id: string | null;
  outcome: InboxOutcome;
  received_at: number;
}

export interface ProviderRefsTable {
  provider: string;
  ref: string;
  kind: ProviderRefKind;
  license_id: string | null;
  checkout_id: string | null;
}

export interface SupportTokensTable {
  id: string;
  name: string;
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string;
  reason: string | null;
  detail_json: string | null;
}

export interface LicenseTransfersTable {
  id: string;
  license_id: string;
  code_hash: string;
  from_anchor: string;
  created_at: number;
  expires_at: number;
  redeemed_at: number | null;
  to_anchor: string | null;
}

export interface Database {
  checkouts: CheckoutsTable;
  licenses: LicensesTable;
  license_events: LicenseEventsTable;
  webhook_inbox: WebhookInboxTable;
  provider_refs: ProviderRefsTable;
  support_tokens: SupportTokensTable;
  audit_log: AuditLogTable;
  license_transfers: LicenseTransfersTable;
}

/** What every repository function takes: the store's `db`, or the `trx` of `store.transaction`. */
export type Queryable = Kysely<Database> | Transaction<Database>;

export type StoreDialect = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
  /**
   * Runs fn in one transaction: committed when fn resolves, rolled back when it throws. Inside fn use only
   * `trx` — on SQLite a query on `db` would wait for the transaction's own connection and never run.
   */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Like `transaction`, for short writes that many requests make at once (webhook inbox and apply): on SQLite
   * fn shares one transaction — and one fsync — with the others queued meanwhile, inside a savepoint of its
   * own so that a throwing fn rolls back alone (see group-commit.ts). Resolves only once that commit is done.
   * On PostgreSQL, whose concurrent commits share WAL flushes by themselves, a transaction of its own.
   */
  groupCommit<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Applies pending migrations; a no-op when the schema is current. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreConfig {
  /** `sqlite:/path/file.db`, `sqlite::memory:`, or `postgres://…` / `postgresql://…`. */
  url: string;
  /** PostgreSQL only: errors of idle pooled connections (the pool replaces them; without a handler they crash). */
  onBackgroundError?: (error: Error) => void;
  /** SQLite only: called with the number of pieces each group commit made durable with one fsync. */
  onGroupCommit?: (pieces: number) => void;
}

/** Opens (and for PostgreSQL, checks the reachability of) the store; run `migrate()` before first use. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const target = parseStoreUrl(config.url);
  let db: Kysely<Database>;
  let group: GroupCommit | undefined;
  if (target.dialect === 'sqlite') {
    const sqlite = openSqlite(target.path);
    db = sqlite.db;
    group = new GroupCommit(db, sqlite.savepoint, MAX_BATCH, config.onGroupCommit);
  } else {
    db = await openPostgres(target.url, config.onBackgroundError ?? (() => undefined));
  }
  return {
    db,
    dialect: target.dialect,
    transaction: (fn) => db.transaction().execute(fn),
    groupCommit: (fn) => (group ? group.run(fn) : db.transaction().execute(fn)),
    migrate: () => migrateToLatest(db, target.dialect),
    close: async () => {
      await group?.close();
      await db.destroy();
    },
  };
}
