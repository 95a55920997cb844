// Record look-ups answering with the 404 each API family uses.
import type { SandboxContext } from '../context';
import { PayPalError, errors } from '../errors';
import type { Plan, Product, Sale, SaleRefund, Subscription } from '../model';

const V1_NOT_FOUND = 'Requested resource ID was not found.';

function inMap<T>(map: Map<string, T>, id: string): T {
  const value = map.get(id);
  if (value === undefined) throw errors.notFound(V1_NOT_FOUND);
  return value;
}

export const findProduct = (ctx: SandboxContext, id: string): Product => inMap(ctx.state.products, id);
export const findPlan = (ctx: SandboxContext, id: string): Plan => inMap(ctx.state.plans, id);
export const findSubscription = (ctx: SandboxContext, id: string): Subscription => inMap(ctx.state.subscriptions, id);

/** The legacy v1 payments API names the error itself rather than using RESOURCE_NOT_FOUND. */
function v1PaymentsNotFound(): PayPalError {
  return new PayPalError(404, 'INVALID_RESOURCE_ID', [], V1_NOT_FOUND);
}

export function findSale(ctx: SandboxContext, id: string): Sale {
  const sale = ctx.state.sales.get(id);
  if (sale === undefined) throw v1PaymentsNotFound();
  return sale;
}

export function findSaleRefund(ctx: SandboxContext, id: string): SaleRefund {
  const refund = ctx.state.saleRefunds.get(id);
  if (refund === undefined) throw v1PaymentsNotFound();
  return refund;
}
