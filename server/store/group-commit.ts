// Group commit for SQLite. With synchronous=FULL every COMMIT waits for the WAL's fsync — about a millisecond,
// on the event loop, as better-sqlite3 is synchronous — which caps one transaction per webhook near a thousand
// a second. Work that arrives while a batch runs (or in the same turn of the event loop) is run in ONE
// transaction, each piece inside its own SAVEPOINT so that a piece that throws rolls back alone; one COMMIT —
// one fsync — then makes them all durable, and only after it is any caller's promise settled.
import type { ControlledTransaction, Kysely, Transaction } from 'kysely';
import type { Database } from './database';
import { StoreError } from './errors';
import type { SavepointCommand } from './sqlite';

/** A piece of work: only queries on `trx`, nothing slow (it holds up the whole batch), no query on `db`. */
export type GroupWork<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  work: GroupWork<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Bounds one transaction's length (and so the wait of work that arrives behind it). */
export const MAX_BATCH = 256;

export class GroupCommit {
  private queue: Pending[] = [];
  private busy = false;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly savepoint: (command: SavepointCommand) => void,
    private readonly maxBatch = MAX_BATCH,
    /** Told each committed batch's size: operators (and the benchmark) read how well batching works. */
    private readonly onCommit: (pieces: number) => void = () => undefined,
  ) {}

  /** Runs work in the next batch; resolves with its value once that batch has committed. */
  run<T>(work: GroupWork<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('store_unavailable', 'The store is closing; nothing more is written.'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Takes no more work and resolves once every batch already queued has committed (or failed). */
  close(): Promise<void> {
    this.closed = true;
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  // setImmediate runs after the event loop's I/O phase: every request read in that phase has queued its work
  // by then, so one batch takes all of it.
  private schedule(): void {
    if (this.busy) return;
    this.busy = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    const outcomes = await this.commit(batch);
    batch.forEach((pending, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(outcome.error);
    });
    this.busy = false;
    if (this.queue.length > 0) this.schedule();
    else for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Every piece's outcome; all of them failed with the batch's error when the transaction itself failed. */
  private async commit(batch: readonly Pending[]): Promise<Outcome[]> {
    let trx: ControlledTransaction<Database>;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (error) {
      return batch.map(() => ({ ok: false, error }));
    }
    try {
      const outcomes: Outcome[] = [];
      for (const pending of batch) outcomes.push(await this.inSavepoint(trx, pending.work));
      await trx.commit().execute();
      this.onCommit(batch.length);
      return outcomes;
    } catch (error) {
      // A savepoint command or the COMMIT failed: nothing of the batch is durable, so nobody may be told so.
      await trx.rollback().execute().catch(() => undefined);
      return batch.map(() => ({ ok: false, error }));
    }
  }

  private async inSavepoint(trx: ControlledTransaction<Database>, work: GroupWork<unknown>): Promise<Outcome> {
    this.savepoint('savepoint piece');
    try {
      const value = await work(trx);
      this.savepoint('release savepoint piece');
      return { ok: true, value };
    } catch (error) {
      this.savepoint('rollback to savepoint piece');
      this.savepoint('release savepoint piece');
      return { ok: false, error };
    }
  }
}
