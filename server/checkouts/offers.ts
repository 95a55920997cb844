// Which providers sell a plan: those the plans file lists for it (all this server has, when it lists none) that
// are configured here and can sell it (a recurring plan needs its plan at the provider).
import type { Plan } from '../../common/plans';
import type { PaymentProvider } from '../providers/port';
import type { ProviderRegistry } from '../providers/registry';

export function providersFor(plan: Plan, registry: ProviderRegistry): PaymentProvider[] {
  const named = plan.providers ?? registry.names;
  return named.map((name) => registry.find(name)).filter((p): p is PaymentProvider => p !== undefined && p.canSell(plan.id));
}
