import type { Tier } from '../../common/plans';

export function TierBadge({ tier }: { tier: Tier }) {
  return (
    <span className={`tier-badge tier-${tier}`} data-testid="tier-badge">
      <span className="sr-only">Current tier: </span>
      {tier === 'enterprise' ? 'Enterprise' : 'Free'}
    </span>
  );
}
