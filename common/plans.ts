// What a buyer can purchase, as a schema: the type below is derived from it, the server's GET /v1/plans
// answers in it and the app checks that answer with it. One-time plans are a provider's one-time payment (a
// PayPal order, a Paystack transaction); recurring plans are the provider's subscriptions.
import { Type, type Static } from 'typebox';

export const Tier = Type.Enum(['free', 'enterprise']);
export type Tier = Static<typeof Tier>;

// Kinds as one-value enums rather than consts: the OpenAPI document keeps an enum wherever a schema is nested.
export const PlanBilling = Type.Union([
  Type.Object({ kind: Type.Enum(['one_time']) }),
  Type.Object({
    kind: Type.Enum(['recurring']),
    interval: Type.Enum(['month', 'year']),
    intervalCount: Type.Integer({ minimum: 1 }),
  }),
]);
export type PlanBilling = Static<typeof PlanBilling>;

export const Plan = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 63 }),
  name: Type.String({ minLength: 1 }),
  tier: Tier,
  price: Type.String({ pattern: '^\\d{1,9}(\\.\\d{2})?$', description: 'Decimal string in the currency\'s major unit, in the currency\'s own form as PayPal takes it ("49.00"; "4900" in JPY, HUF and TWD, which have no decimals).' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code.' }),
  billing: PlanBilling,
  providers: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]{0,31}$' }), {
    minItems: 1,
    description: 'The providers that sell this plan, the default first (GET /v1/plans lists only those this server has). In the plans file: omitted means every provider the server has.',
  })),
});
export type Plan = Static<typeof Plan>;
