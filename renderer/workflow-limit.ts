import type { Tier } from '../common/plans';

/** The Enterprise-gated demo capacity: how many workflows each tier may hold (null = unlimited). */
export const FREE_WORKFLOW_LIMIT = 3;

export function workflowLimit(tier: Tier): number | null {
  return tier === 'enterprise' ? null : FREE_WORKFLOW_LIMIT;
}

export function canAddWorkflow(tier: Tier, count: number): boolean {
  const limit = workflowLimit(tier);
  return limit === null || count < limit;
}
