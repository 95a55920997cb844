/** What a buyer can purchase. One-time plans are PayPal orders; recurring plans are PayPal subscriptions. */
export type PlanBilling =
  | { kind: 'one_time' }
  | { kind: 'recurring'; interval: 'month' | 'year'; intervalCount: number };

export interface Plan {
  id: string;
  name: string;
  tier: Tier;
  /** Decimal string in the currency's major unit, as PayPal takes it ("49.00"). */
  price: string;
  currency: string;
  billing: PlanBilling;
}

export type Tier = 'free' | 'enterprise';
