// The server's whole persistent state, one Kysely schema over SQLite and PostgreSQL. Only the whitelist of
// docs/architecture.md "Data kept" has a column here: no payer PII, no raw webhook bodies, no secrets in clear.
// Times are epoch milliseconds (bigint in PostgreSQL, parsed back to number); money is a decimal string.
// Rows come back in these shapes as they are: Kysely's CamelCasePlugin (naming.ts) turns the SQL's snake_case
// names into these camelCase ones and back, so no repository maps rows by hand.
import type { Generated, Kysely, Transaction } from 'kysely';
import type { CheckoutStatus } from '../../common/api';
import type { LicenseStatus } from '../../common/license';
import type { Tier } from '../../common/plans';
import { announce, changeChannel, listen, type ChangeFeed, type ChangeFeedHandlers } from './change-feed';
import { GroupCommit, MAX_BATCH } from './group-commit';
import { migrateToLatest } from './migrations/index';
import { openPostgres } from './postgres';
import { openSqlite } from './sqlite';
import { parseStoreUrl } from './store-url';

export type CheckoutKind = 'one_time' | 'recurring';
export type EventSource = 'provider' | 'support' | 'server';
export type InboxOutcome = 'applied' | 'ignored' | 'unmatched' | 'unreadable';
export type ProviderRefKind = 'order' | 'capture' | 'subscription' | 'sale' | 'refund' | 'dispute';

export interface CheckoutsTable {
  id: string;
  anchor: string;
  planId: string;
  kind: CheckoutKind;
  provider: string;
  providerOrderId: string | null;
  providerSubscriptionId: string | null;
  amount: string;
  currency: string;
  status: CheckoutStatus;
  failureReason: string | null;
  pollTokenHash: string;
  licenseId: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  /** A lifetime checkout bought to replace this subscription (cancelled at PayPal once it is paid). */
  replacesSubscriptionId: string | null;
}

export interface LicensesTable {
  id: string;
  anchor: string;
  planId: string;
  provider: string;
  checkoutId: string;
  status: LicenseStatus;
  tier: Tier;
  transactionId: string | null;
  orderId: string | null;
  subscriptionId: string | null;
  amount: string | null;
  currency: string | null;
  paidThrough: number | null;
  supersededBy: string | null;
  stateJson: string;
  createdAt: number;
  updatedAt: number;
  /** When reconciliation last read this license's subscription from the provider. */
  reconciledAt: number | null;
  /** When support cancelled this license's billing at the provider (cancel, or revoke of a subscription). */
  supportCancelledAt: number | null;
}

export interface LicenseEventsTable {
  id: Generated<number>;
  licenseId: string;
  eventId: string;
  type: string;
  source: EventSource;
  occurredAt: number;
  recordedAt: number;
  transactionId: string | null;
  amount: string | null;
  currency: string | null;
  reference: string | null;
  eventJson: string;
}

export interface WebhookInboxTable {
  provider: string;
  eventId: string;
  eventType: string;
  /** What the event is about; '' for an event about nothing we read (ignored, unreadable). */
  resourceId: string;
  outcome: InboxOutcome;
  /** Why an unreadable delivery could not be read: a code, never anything of the body. */
  reason: string | null;
  receivedAt: number;
}

export interface ProviderRefsTable {
  provider: string;
  ref: string;
  kind: ProviderRefKind;
  licenseId: string | null;
  checkoutId: string | null;
}

/** read: look up only; act: look up and act (refund, cancel, revoke, restore, transfer, re-issue). */
export type SupportRole = 'read' | 'act';

export interface SupportTokensTable {
  id: string;
  name: string;
  tokenHash: string;
  createdAt: number;
  revokedAt: number | null;
  role: SupportRole;
}

/** A console sign-in: the hash of the session secret (the cookie), the token it was opened with, its times. */
export interface SupportSessionsTable {
  idHash: string;
  tokenId: string;
  createdAt: number;
  lastSeenAt: number;
  /** The absolute end, however active the session is. */
  expiresAt: number;
  /** Signed out. */
  endedAt: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string;
  reason: string | null;
  detailJson: string | null;
}

/** Table and column names are camelCase here and snake_case in SQL (see naming.ts). */
/** A background job's lease: whoever holds it unexpired runs the job; everyone else skips that period. */
export interface JobLeasesTable {
  name: string;
  holder: string;
  leaseUntil: number;
  lastRunAt: number | null;
}

/** One run of a background job, by whichever process took the period's lease. */
export interface JobRunsTable {
  id: Generated<number>;
  job: string;
  holder: string;
  startedAt: number;
  finishedAt: number | null;
  outcome: 'running' | 'ran' | 'failed' | 'interrupted';
}

/** A live server process (heartbeat) and the signing keys it holds: key ids only. */
export interface ServerInstancesTable {
  id: string;
  pid: number;
  host: string;
  startedAt: number;
  seenAt: number;
  activeKid: string;
  /** Sorted, comma-separated kids this process verifies. */
  kids: string;
}

export interface LicenseTransfersTable {
  id: string;
  licenseId: string;
  codeHash: string;
  fromAnchor: string;
  createdAt: number;
  expiresAt: number;
  redeemedAt: number | null;
  toAnchor: string | null;
}

export interface Database {
  checkouts: CheckoutsTable;
  licenses: LicensesTable;
  licenseEvents: LicenseEventsTable;
  webhookInbox: WebhookInboxTable;
  providerRefs: ProviderRefsTable;
  supportTokens: SupportTokensTable;
  supportSessions: SupportSessionsTable;
  auditLog: AuditLogTable;
  jobLeases: JobLeasesTable;
  jobRuns: JobRunsTable;
  serverInstances: ServerInstancesTable;
  licenseTransfers: LicenseTransfersTable;
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
  /**
   * Tells every server process sharing the database that these checkouts changed, from inside the transaction
   * `trx` that changed them: on PostgreSQL a NOTIFY, heard once the transaction commits and never if it rolls
   * back; on SQLite (one process) nothing, the caller wakes its own waiters.
   */
  announceCheckouts(trx: Queryable, ids: readonly string[]): Promise<void>;
  /** PostgreSQL: listens for every process's announcements (see change-feed.ts); SQLite: null. */
  listenForCheckouts(handlers: ChangeFeedHandlers): Promise<ChangeFeed | null>;
  /** Applies pending migrations; a no-op when the schema is current. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreConfig {
  /** `sqlite:/path/file.db`, `sqlite::memory:`, or `postgres://…` / `postgresql://…`. */
  url: string;
  /** PostgreSQL only: connections the pool may hold (default 10, as pg's own). */
  poolSize?: number;
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
  let channel: string | null = null;
  if (target.dialect === 'sqlite') {
    const sqlite = openSqlite(target.path);
    db = sqlite.db;
    group = new GroupCommit(db, sqlite.savepoint, MAX_BATCH, config.onGroupCommit);
  } else {
    const opened = await openPostgres(target.url, config.onBackgroundError ?? (() => undefined), config.poolSize);
    db = opened.db;
    channel = changeChannel(opened.schema);
  }
  return {
    db,
    dialect: target.dialect,
    transaction: (fn) => db.transaction().execute(fn),
    groupCommit: (fn) => (group ? group.run(fn) : db.transaction().execute(fn)),
    announceCheckouts: async (trx, ids) => {
      if (channel !== null && ids.length > 0) await announce(trx, channel, ids);
    },
    listenForCheckouts: async (handlers) => (channel !== null && target.dialect === 'postgres' ? listen(target.url, channel, handlers) : null),
    migrate: () => migrateToLatest(db, target.dialect),
    close: async () => {
      await group?.close();
      await db.destroy();
    },
  };
}
