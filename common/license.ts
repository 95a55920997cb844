// The license as the wire carries it, as a schema; the types are derived from it.
import { Type, type Static } from 'typebox';
import { Tier } from './plans';

/** Billing status of a license (DESIGN.md "Billing state"). */
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
  paidThrough: isoTime('ISO time the current period is paid through (subscriptions).'),
  accessEndsAt: isoTime('ISO time access ends for a canceled subscription.'),
});
export type LicenseView = Static<typeof LicenseView>;
