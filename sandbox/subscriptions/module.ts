// Catalog products, billing plans, subscriptions and their hosted approval page. (Being written.)
import type { SandboxContext } from '../context';
import type { SandboxModule } from '../module';

export interface SubscriptionsControl {
  /** Bills every active subscription whose next billing time has passed on the sandbox clock. */
  runDueRenewals(): Promise<void>;
}

export function subscriptionsModule(_ctx: SandboxContext): SandboxModule<SubscriptionsControl> {
  return { routes: () => {}, control: { runDueRenewals: async () => {} } };
}
