// When each payment was made, read back from the committed database once a run is over — the start of every
// "commit → answer" figure (bench:activation, the several-processes integration test). In whole milliseconds of this
// machine's wall clock (Date.now()'s, truncated alike), on up to two bases:
// - recordedAt: license_events.recorded_at of the payment.completed event, the server's clock as it applied the
//   event inside the transaction. On PostgreSQL a dozen statements and the commit follow it (on SQLite the rest of
//   the batch and its fsync), so a latency measured from it errs long.
// - committedAt: PostgreSQL's commit timestamp of the transaction that inserted that row (xmin: events are only ever
//   inserted). PostgreSQL takes it just before it flushes the commit record, so before the commit is durable and
//   before NOTIFY is delivered: a latency measured from it still errs long, never short (beyond the millisecond
//   both ends are truncated to), only by much less. null, with the reason, where PostgreSQL cannot tell it.

/** Runs one statement on the store and answers its rows (aliases are single lower-case words, so no naming
 *  plugin between changes them). */
export type MomentsQuery = <T>(text: string) => Promise<T[]>;

export interface PaymentMoments {
  recordedAt: Map<string, number>;
  committedAt: Map<string, number> | null;
  /** Why committedAt is null. */
  noCommitTime: string | null;
}

export async function paymentMoments(query: MomentsQuery, dialect: 'sqlite' | 'postgres'): Promise<PaymentMoments> {
  const unavailable = await commitTimesUnavailable(query, dialect);
  // A second payment.completed of one checkout (none is expected) never moves the first answer: the earliest counts.
  const committed = unavailable === null
    ? `, min(floor(extract(epoch from pg_xact_commit_timestamp(e.xmin)) * 1000)) as committed,
       count(*) - count(pg_xact_commit_timestamp(e.xmin)) as unstamped`
    : '';
  const rows = await query<{ checkout: string; recorded: number | string; committed?: number | string | null; unstamped?: number | string }>(
    `select l.checkout_id as checkout, min(e.recorded_at) as recorded${committed} from license_events e
      join licenses l on l.id = e.license_id where e.type = 'payment.completed' group by l.checkout_id`,
  );
  const recordedAt = new Map(rows.map((row) => [row.checkout, Number(row.recorded)]));
  if (unavailable !== null) return { recordedAt, committedAt: null, noCommitTime: unavailable };
  // Commit times for some payments and not others would mix two bases in one distribution.
  const unstamped = rows.filter((row) => Number(row.unstamped) > 0).length;
  if (unstamped > 0) return { recordedAt, committedAt: null, noCommitTime: `PostgreSQL kept no commit timestamp for ${unstamped} of the payments` };
  return { recordedAt, committedAt: new Map(rows.map((row) => [row.checkout, Number(row.committed)])), noCommitTime: null };
}

/** Why PostgreSQL's commit timestamps cannot be compared with Date.now() here, or null when they can. */
async function commitTimesUnavailable(query: MomentsQuery, dialect: 'sqlite' | 'postgres'): Promise<string | null> {
  if (dialect === 'sqlite') return 'SQLite keeps no commit time';
  const [setting] = await query<{ value: string }>(`select current_setting('track_commit_timestamp') as value`);
  if (setting?.value !== 'on') return 'track_commit_timestamp is off';
  // The commit timestamp is PostgreSQL's clock, the answer's is ours: the same clock only on the same machine.
  const before = Date.now();
  const [clock] = await query<{ now: number | string }>('select floor(extract(epoch from clock_timestamp()) * 1000) as now');
  const after = Date.now();
  const theirs = Number(clock?.now);
  if (!(theirs >= before && theirs <= after)) return `PostgreSQL's clock read ${theirs - before} ms from ours (${after - before} ms round trip)`;
  return null;
}

/** Each answered app's wait from `start` (its payment's moment on one basis), sorted; apps without both ends left out. */
export function latenciesSince(start: ReadonlyMap<string, number>, answered: readonly { checkoutId: string; completedAt?: number }[]): number[] {
  return answered
    .flatMap((a) => (a.completedAt !== undefined && start.has(a.checkoutId) ? [a.completedAt - (start.get(a.checkoutId) as number)] : []))
    .sort((x, y) => x - y);
}
