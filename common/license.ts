// The license as the wire carries it, as a schema; the types are derived from it.
import { Type, type Static } from 'typebox';
import { PlanBilling, Tier } from './plans';

/** Billing status of a license (docs/architecture.md, "Billing state"). */
export const LicenseStatus = Type.Enum([
  'pending', 'active', 'past_due', 'canceled', 'expired', 'failed', 'refunded', 'reversed', 'disputed', 'suspended', 'revoked',
]);
export type LicenseStatus = Static<typeof LicenseStatus>;

const isoTime = (description: string) => Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description });

/** The license as the app and support see it. */
export const LicenseView = Type.Object({
  id: Type.String({ minLength: 1 }),
  planId: Type.String({ minLength: 1 }),
  status: LicenseStatus,
  tier: Tier,
  transactionId: Type.Union([Type.String(), Type.Null()], { description: 'The provider\'s transaction id the buyer can quote to support (capture id or latest sale id).' }),
  subscriptionId: Type.Union([Type.String(), Type.Null()]),
  provider: Type.Optional(Type.String({ description: 'The payment provider the license was bought through ("paypal", "paystack"; GET /v1/plans names them).' })),
  paidThrough: isoTime('ISO time the current period is paid through (subscriptions).'),
  accessEndsAt: isoTime('ISO time access ends for a canceled subscription.'),
  planName: Type.Optional(Type.String({ description: 'The plan as it was sold, for the customer\'s own records and for support.' })),
  billing: Type.Optional(Type.Union([PlanBilling, Type.Null()])),
  amount: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'What was paid: a decimal string in the currency\'s major unit.' })),
  currency: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  purchasedAt: Type.Optional(Type.String({ format: 'date-time', description: 'ISO time the license was bought.' })),
});
export type LicenseView = Static<typeof LicenseView>;
