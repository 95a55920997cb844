// What the orders module's operations share: the sandbox context, the module's memory and its renderer.
import type { SandboxContext } from '../context';
import type { OrdersMemory } from './memory';
import type { Renderer } from './render';

export interface OrdersDeps {
  ctx: SandboxContext;
  memory: OrdersMemory;
  render: Renderer;
}
