// The audit log: who did or looked at what, when and why. Append-only.
import type { Selectable } from 'kysely';
import type { AuditLogTable, Queryable } from './database';

export interface AuditRecord {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  reason: string | null;
  detail: unknown;
}

export interface NewAuditEntry {
  at: number;
  actor: string;
  action: string;
  target: string;
  reason?: string | null;
  /** Structured context (ids, old and new values); never PII or secrets. */
  detail?: object | null;
}

/** Returns the new entry's id. */
export async function append(db: Queryable, entry: NewAuditEntry): Promise<number> {
  const { id } = await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      reason: entry.reason ?? null,
      detail_json: entry.detail == null ? null : JSON.stringify(entry.detail),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Entries about the target, oldest first. */
export function listForTarget(db: Queryable, target: string): Promise<AuditRecord[]> {
  return listForTargets(db, [target]);
}

/** Entries about any of the targets (a license and its checkout, say), oldest first. */
export async function listForTargets(db: Queryable, targets: readonly string[]): Promise<AuditRecord[]> {
  if (targets.length === 0) return [];
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('target', 'in', targets)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

function toRecord(row: Selectable<AuditLogTable>): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    reason: row.reason,
    detail: row.detail_json === null ? null : JSON.parse(row.detail_json),
  };
}
