import type { Tier } from '../../common/plans';
import { useUi } from '../store-context';
import { canAddWorkflow, workflowLimit } from '../workflow-limit';

/** The Enterprise-gated demo capacity: a few workflows on Free, unlimited on Enterprise. */
export function WorkflowsDemo({ tier }: { tier: Tier }) {
  const workflows = useUi((s) => s.workflows);
  const addWorkflow = useUi((s) => s.addWorkflow);
  const removeWorkflow = useUi((s) => s.removeWorkflow);
  const limit = workflowLimit(tier);
  const canAdd = canAddWorkflow(tier, workflows.length);
  return (
    <section className="panel" aria-labelledby="workflows-title">
      <h2 id="workflows-title">Workflows</h2>
      <p data-testid="workflow-capacity">
        {limit === null ? `${workflows.length} workflows (unlimited on Enterprise)` : `${workflows.length} of ${limit} workflows used (Free)`}
      </p>
      {workflows.length > 0 && (
        <ul className="workflow-list">
          {workflows.map((w) => (
            <li key={w.id}>
              <span>{w.name}</span>
              <button type="button" className="small" aria-label={`Remove ${w.name}`} onClick={() => removeWorkflow(w.id)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={addWorkflow} disabled={!canAdd} aria-describedby={canAdd ? undefined : 'workflow-limit-note'}>
          Add workflow
        </button>
      </div>
      {!canAdd && (
        <p id="workflow-limit-note" className="hint">
          Free allows {limit} workflows. Upgrade to Enterprise to add more.
        </p>
      )}
    </section>
  );
}
