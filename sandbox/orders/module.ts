// Orders v2, Payments v2 (captures, refunds), the hosted checkout page and buyer disputes.
import type { SandboxContext } from '../context';
import type { SandboxModule } from '../module';
import { registerCheckoutPage } from './checkout-page';
import { createOrdersControl, type OrdersControl } from './control';
import { registerControlRoutes } from './control-routes';
import { sandboxMerchant, type OrdersDeps } from './deps';
import { registerDisputeRoutes } from './disputes';
import { NextCaptureSetting } from './next-capture';
import { createRenderer } from './render';
import { registerOrderRoutes } from './routes';

export type { OrdersControl } from './control';

export function ordersModule(ctx: SandboxContext): SandboxModule<OrdersControl> {
  const merchant = sandboxMerchant(ctx.options.merchantName);
  const deps: OrdersDeps = { ctx, merchant, nextCapture: new NextCaptureSetting(), render: createRenderer(ctx, merchant) };
  const control = createOrdersControl(deps);
  return {
    routes: (app) => {
      registerOrderRoutes(app, deps);
      registerCheckoutPage(app, deps);
      registerDisputeRoutes(app, deps);
      registerControlRoutes(app, control);
    },
    control,
  };
}
