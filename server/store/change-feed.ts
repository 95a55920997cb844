// Cross-process wake-ups on PostgreSQL: a transaction that changes checkouts NOTIFYs their ids on the schema's
// channel (PostgreSQL delivers a notification only once, and only if, its transaction commits), and every server
// process LISTENs on one connection of its own. A notification connection can be lost without anyone noticing
// what it missed, so after every reconnect the feed asks for a resync: the caller re-reads everything it has
// parked. Its periodic re-read stays the fallback meanwhile.
import pg from 'pg';
import { sql } from 'kysely';
import type { Queryable } from './database';

/** PostgreSQL's NOTIFY payload limit is 8,000 bytes; ids are joined with commas up to this. */
const MAX_PAYLOAD = 7_900;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;
/** A quiet connection is asked `select 1` this often, so a half-open one is noticed and replaced. */
const PING_MS = 10_000;
const PING_TIMEOUT_MS = 5_000;
const CONNECT_TIMEOUT_MS = 5_000;
export const LISTENER_APPLICATION_NAME = 'hardbound-listen';

/** The schema's own channel: processes on other schemas of the same database (other servers, tests) hear nothing. */
export function changeChannel(schema: string): string {
  return `hardbound_checkouts:${schema}`.slice(0, 63);
}

/** NOTIFYs the changed checkout ids inside `trx`: heard by every listener once, and only if, it commits. */
export async function announce(trx: Queryable, channel: string, ids: readonly string[]): Promise<void> {
  for (const payload of batches(ids)) await sql`select pg_notify(${channel}, ${payload})`.execute(trx);
}

function batches(ids: readonly string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const id of new Set(ids)) {
    if (current && current.length + 1 + id.length > MAX_PAYLOAD) {
      out.push(current);
      current = '';
    }
    current = current ? `${current},${id}` : id;
  }
  if (current) out.push(current);
  return out;
}

export interface ChangeFeedHandlers {
  /** Checkouts another (or this) process changed, as soon as their transaction committed. */
  changed(ids: readonly string[]): void;
  /** The connection was (re)established after a loss: notifications may have been missed meanwhile. */
  resync(): void;
  /** Connection problems, for the log; the feed keeps reconnecting by itself. */
  problem(message: string): void;
}

export interface ChangeFeed {
  /** LISTENing right now: a change elsewhere reaches this process at once. */
  readonly connected: boolean;
  /** Connections made after the first (each followed by a resync). */
  readonly reconnects: number;
  close(): Promise<void>;
}

/** Starts listening; resolves once the first LISTEN is in place, or rejects if the database cannot be reached. */
export async function listen(url: string, channel: string, handlers: ChangeFeedHandlers): Promise<ChangeFeed> {
  const feed = new PostgresChangeFeed(url, channel, handlers);
  await feed.connect();
  return feed;
}

class PostgresChangeFeed implements ChangeFeed {
  connected = false;
  reconnects = 0;
  private client: pg.Client | undefined;
  private closed = false;
  private retryMs = RECONNECT_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly handlers: ChangeFeedHandlers,
  ) {}

  async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url, application_name: LISTENER_APPLICATION_NAME, keepAlive: true, connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    client.on('notification', (message) => {
      if (message.channel === this.channel && message.payload) this.handlers.changed(message.payload.split(','));
    });
    client.on('error', (error) => this.lost(client, error.message));
    client.on('end', () => this.lost(client, 'connection ended'));
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.connected = true;
    this.retryMs = RECONNECT_MIN_MS;
    this.schedulePing(client);
  }

  private lost(client: pg.Client, why: string): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.connected = false;
    clearTimeout(this.pingTimer);
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.handlers.problem(`change notifications lost (${why}); reconnecting, long-polls re-read every second meanwhile`);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.connect().then(
        () => {
          if (this.closed) return;
          this.reconnects++;
          this.handlers.resync();
        },
        (error: unknown) => {
          this.handlers.problem(`change notifications: reconnect failed (${(error as Error).message})`);
          this.retryMs = Math.min(RECONNECT_MAX_MS, this.retryMs * 2);
          this.scheduleReconnect();
        },
      );
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private schedulePing(client: pg.Client): void {
    this.pingTimer = setTimeout(() => {
      let timeout: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timeout = setTimeout(() => reject(new Error(`no answer to a ping within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      });
      Promise.race([client.query('select 1'), timedOut]).then(
        () => {
          clearTimeout(timeout);
          if (this.client === client) this.schedulePing(client);
        },
        (error: unknown) => {
          clearTimeout(timeout);
          this.lost(client, (error as Error).message);
        },
      );
    }, PING_MS);
    this.pingTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connected = false;
    clearTimeout(this.retryTimer);
    clearTimeout(this.pingTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
