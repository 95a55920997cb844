// Orders v2, captures, refunds and the hosted checkout page. (Being written: see the orders helper.)
import type { SandboxContext } from '../context';
import type { SandboxModule } from '../module';

export interface OrdersControl {
  ordersPending?: never;
}

export function ordersModule(_ctx: SandboxContext): SandboxModule<OrdersControl> {
  return { routes: () => {}, control: {} };
}
