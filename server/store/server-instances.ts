// Live server processes sharing the database, each with the signing keys it holds (key ids only): a heartbeat row
// per process, removed when it stops; a process killed outright leaves its row to go stale.
import type { Queryable, ServerInstancesTable } from './database';

export type ServerInstance = ServerInstancesTable;

export async function upsert(db: Queryable, instance: ServerInstance): Promise<void> {
  await db
    .insertInto('serverInstances')
    .values(instance)
    .onConflict((oc) => oc.column('id').doUpdateSet({ seenAt: instance.seenAt, activeKid: instance.activeKid, kids: instance.kids }))
    .execute();
}

/** Every instance seen at or after `since`. */
export function seenSince(db: Queryable, since: number): Promise<ServerInstance[]> {
  return db.selectFrom('serverInstances').selectAll().where('seenAt', '>=', since).orderBy('startedAt').execute();
}

export async function remove(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom('serverInstances').where('id', '=', id).execute();
}

/** Forgets instances not seen since `before` (killed processes). */
export async function removeStale(db: Queryable, before: number): Promise<void> {
  await db.deleteFrom('serverInstances').where('seenAt', '<', before).execute();
}
