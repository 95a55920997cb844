// Catalog products, billing plans, subscriptions with their hosted approval page and renewals on the
// sandbox clock, and the v1 sales subscription payments produce.
import { clearInterval, setInterval } from 'node:timers';
import type { SandboxContext } from '../context';
import type { SandboxModule } from '../module';
import { registerApprovalPage } from './approval-page';
import { seedCatalog } from './catalog';
import { registerCatalogRoutes } from './catalog-routes';
import { subscriptionsControl, type SubscriptionsControl } from './control';
import { registerControlRoutes } from './control-routes';
import { registerSubscriptionRoutes } from './routes';

export type { SubscriptionsControl } from './control';

/** How often renewals are checked while the clock runs by itself (`npm start`); tests move it instead. */
const RENEWAL_POLL_MS = 60_000;

export function subscriptionsModule(ctx: SandboxContext): SandboxModule<SubscriptionsControl> {
  seedCatalog(ctx, ctx.options.plans);
  const control = subscriptionsControl(ctx);
  const poll = setInterval(() => {
    control.runDueRenewals().catch((error: unknown) => console.error('sandbox renewals failed:', error));
  }, RENEWAL_POLL_MS);
  poll.unref();
  return {
    routes: (app) => {
      registerCatalogRoutes(app, ctx);
      registerSubscriptionRoutes(app, ctx);
      registerApprovalPage(app, ctx);
      registerControlRoutes(app, control);
    },
    control,
    close: async () => clearInterval(poll),
  };
}
