// The audit log: who did or looked at what, when and why. Append-only.
import type { Selectable } from 'kysely';
import type { AuditLogTable, Queryable } from './database';

/** The row with its saved JSON read back: `detail` is the structured context, or null. */
export type AuditRecord = Omit<Selectable<AuditLogTable>, 'detailJson'> & { detail: unknown };

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
    .insertInto('auditLog')
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      reason: entry.reason ?? null,
      detailJson: entry.detail == null ? null : JSON.stringify(entry.detail),
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
    .selectFrom('auditLog')
    .selectAll()
    .where('target', 'in', targets)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(withDetail);
}

function withDetail({ detailJson, ...row }: Selectable<AuditLogTable>): AuditRecord {
  return { ...row, detail: detailJson === null ? null : JSON.parse(detailJson) };
}
