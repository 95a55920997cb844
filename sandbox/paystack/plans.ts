// Plans: POST /plan validation, and plans seeded from the sandbox options.
import { nowIso, type PaystackDeps } from './deps';
import { paystackErrors } from './errors';
import { paystackIds } from './ids';
import { PLAN_INTERVALS, type PaystackPlan, type PlanInterval } from './model';

export interface SeedPaystackPlan {
  /** A stable plan code (PLN_ and lower-case alphanumerics); generated unless given. */
  code?: string;
  name: string;
  /** In the currency's subunit. */
  amount: number;
  interval: PlanInterval;
  currency?: string;
  invoiceLimit?: number;
}

const PLAN_CODE = /^PLN_[a-z0-9]{3,40}$/;
const MAX_NAME_LENGTH = 200;

export function createPlan(deps: PaystackDeps, body: Record<string, unknown>): PaystackPlan {
  const { name, amount, interval } = body;
  if (name === undefined || name === null || name === '') throw paystackErrors.missing('Name is required');
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH) throw paystackErrors.invalid('Invalid name');
  if (amount === undefined || amount === null || amount === '') throw paystackErrors.missing('Amount is required');
  const minor = typeof amount === 'string' && /^\d+$/.test(amount) ? Number(amount) : amount;
  if (typeof minor !== 'number' || !Number.isInteger(minor) || minor <= 0) throw paystackErrors.invalid('Invalid Amount Sent');
  if (interval === undefined || interval === null || interval === '') throw paystackErrors.missing('Interval is required');
  if (typeof interval !== 'string' || !PLAN_INTERVALS.includes(interval as PlanInterval)) {
    throw paystackErrors.invalid(`Invalid interval. Interval should be one of: ${PLAN_INTERVALS.join(', ')}`);
  }
  const currency = body.currency === undefined || body.currency === null || body.currency === '' ? deps.options.defaultCurrency : body.currency;
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) throw paystackErrors.invalid('Currency not supported by merchant');
  const limit = body.invoice_limit ?? 0;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) throw paystackErrors.invalid('Invalid invoice_limit');
  const description = body.description;
  if (description !== undefined && description !== null && typeof description !== 'string') throw paystackErrors.invalid('Invalid description');
  return addPlan(deps, {
    name,
    amount: minor,
    interval: interval as PlanInterval,
    currency,
    invoiceLimit: limit,
    description: description ?? null,
    sendInvoices: body.send_invoices !== false,
    sendSms: body.send_sms !== false,
  });
}

export function seedPlan(deps: PaystackDeps, seed: SeedPaystackPlan): PaystackPlan {
  if (seed.code !== undefined && !PLAN_CODE.test(seed.code)) throw new Error(`seed plan code "${seed.code}" is not PLN_ and lower-case alphanumerics`);
  if (!Number.isInteger(seed.amount) || seed.amount <= 0) throw new Error(`seed plan "${seed.name}": amount must be a positive integer in subunits`);
  return addPlan(deps, {
    code: seed.code,
    name: seed.name,
    amount: seed.amount,
    interval: seed.interval,
    currency: seed.currency ?? deps.options.defaultCurrency,
    invoiceLimit: seed.invoiceLimit ?? 0,
    description: null,
    sendInvoices: true,
    sendSms: true,
  });
}

function addPlan(
  deps: PaystackDeps,
  input: Omit<PaystackPlan, 'id' | 'code' | 'createdAt' | 'updatedAt'> & { code?: string },
): PaystackPlan {
  const now = nowIso(deps);
  const plan: PaystackPlan = {
    ...input,
    id: deps.state.ids.plan.take(),
    code: input.code ?? paystackIds.plan(),
    createdAt: now,
    updatedAt: now,
  };
  if (deps.state.plans.has(plan.code)) throw new Error(`plan code ${plan.code} is already taken`);
  deps.state.plans.set(plan.code, plan);
  return plan;
}
