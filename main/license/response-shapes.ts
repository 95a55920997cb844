// Whether a 2xx body is what the contract says it is: checked against the same schemas the server validates
// and serializes with (common/api.ts), compiled by TypeBox on first use. The entitlement inside is verified
// separately, against the pinned keys.
import type { Static, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import {
  CancelSubscriptionResponse, CheckoutView, CreateCheckoutResponse, PlansResponse, RefreshResponse, ReleaseLicenseResponse,
} from '../../common/api';
import type { PlanCatalog } from '../../common/app-state';

/** A checker compiled when first asked, from the schema as it is then. */
function checker<T extends TSchema>(schema: T): (body: unknown) => Static<T> | null {
  let validator: Validator | undefined;
  return (body) => {
    validator ??= Compile(schema);
    return validator.Check(body) ? (body as Static<T>) : null;
  };
}

const plans = checker(PlansResponse);

/** The plans and their providers; a server that names no providers sells through its default alone. */
export function asPlans(body: unknown): PlanCatalog | null {
  const checked = plans(body);
  return checked ? { plans: checked.plans, providers: checked.providers ?? [] } : null;
}

export const asCreatedCheckout = checker(CreateCheckoutResponse);
export const asCheckoutView = checker(CheckoutView);
export const asRefreshed = checker(RefreshResponse);
export const asCancelled = checker(CancelSubscriptionResponse);
export const asReleased = checker(ReleaseLicenseResponse);
