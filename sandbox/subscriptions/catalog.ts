// Catalog products and billing plans: created through the API or seeded from the sandbox options.
import type { SandboxContext } from '../context';
import { type PayPalError, errors } from '../errors';
import { PLAN_ID_PATTERN, ids } from '../ids';
import type { Plan, Product } from '../model';
import { toMinor } from '../money';
import type { SeedPlan } from '../options';
import { findProduct } from './lookup';
import {
  type Json, amountRefused, oneOf, optionalInteger, optionalObject, optionalString, requiredObject, requiredString, syntaxError,
  valueError,
} from './validate';

const PRODUCT_TYPES = ['PHYSICAL', 'DIGITAL', 'SERVICE'] as const;
const PLAN_STATUSES = ['CREATED', 'ACTIVE', 'INACTIVE'] as const;
const INTERVAL_UNITS = ['DAY', 'WEEK', 'MONTH', 'YEAR'] as const;
/** PayPal's longest billing interval is one year, whatever the unit. */
const MAX_INTERVAL_COUNT: Record<Plan['interval']['unit'], number> = { DAY: 365, WEEK: 52, MONTH: 12, YEAR: 1 };
/** Used when a seed gives no threshold: suspension after three consecutive failures, as PayPal's example plan. */
const SEED_FAILURE_THRESHOLD = 3;

export function createProduct(ctx: SandboxContext, body: Json): Product {
  const id = optionalString(body, 'id', 50);
  if (id !== undefined && ctx.state.products.has(id)) {
    throw errors.unprocessable('DUPLICATE_RESOURCE_IDENTIFIER', 'A resource with the given identifier already exists.');
  }
  const name = requiredString(body, 'name', 127);
  const type = oneOf(optionalString(body, 'type', 24) ?? 'PHYSICAL', PRODUCT_TYPES, '/type');
  const description = optionalString(body, 'description', 256);
  const product: Product = { id: id ?? ids.product(), name, type, description, createTime: ctx.isoNow() };
  ctx.state.products.set(product.id, product);
  return product;
}

export function createPlan(ctx: SandboxContext, body: Json): Plan {
  const productId = requiredString(body, 'product_id', 50);
  const name = requiredString(body, 'name', 127);
  const status = oneOf(optionalString(body, 'status', 24) ?? 'ACTIVE', PLAN_STATUSES, '/status');
  const description = optionalString(body, 'description', 127);
  const cycle = regularCycle(body.billing_cycles);
  const preferences = requiredObject(body, 'payment_preferences');
  const threshold = optionalInteger(preferences, 'payment_failure_threshold', 0, 999, 0, '/payment_preferences');
  if (body.quantity_supported === true) throw unsupported('Plans with quantity_supported are not simulated.');
  findProduct(ctx, productId);

  const now = ctx.isoNow();
  const plan: Plan = {
    id: ctx.newId('plan', ids.plan),
    productId,
    name,
    status,
    interval: cycle.interval,
    price: cycle.price,
    totalCycles: cycle.totalCycles,
    paymentFailureThreshold: threshold,
    description,
    createTime: now,
    updateTime: now,
  };
  ctx.state.plans.set(plan.id, plan);
  return plan;
}

/** Products and plans given in the options, one product per distinct product name. */
export function seedCatalog(ctx: SandboxContext, seeds: SeedPlan[]): void {
  const productsByName = new Map<string, Product>();
  for (const seed of seeds) {
    if (seed.id !== undefined && !PLAN_ID_PATTERN.test(seed.id)) {
      throw new Error(`seed plan id "${seed.id}" must be 3-50 letters, digits, "-" or "_", as PayPal plan ids are`);
    }
    const minor = toMinor(seed.price.value, seed.price.currency_code);
    if (typeof minor !== 'number' || minor <= 0) {
      throw new Error(`seed plan "${seed.name}": PayPal refuses the price "${seed.price.value}" ${seed.price.currency_code} (${
        typeof minor === 'number' ? 'not above zero' : minor})`);
    }
    let product = productsByName.get(seed.productName);
    if (product === undefined) {
      product = { id: ids.product(), name: seed.productName, type: 'SERVICE', createTime: ctx.isoNow() };
      ctx.state.products.set(product.id, product);
      productsByName.set(seed.productName, product);
    }
    const now = ctx.isoNow();
    const plan: Plan = {
      id: seed.id ?? ids.plan(),
      productId: product.id,
      name: seed.name,
      status: 'ACTIVE',
      interval: seed.interval,
      price: seed.price,
      totalCycles: 0,
      paymentFailureThreshold: seed.paymentFailureThreshold ?? SEED_FAILURE_THRESHOLD,
      createTime: now,
      updateTime: now,
    };
    ctx.state.plans.set(plan.id, plan);
  }
}

interface RegularCycle {
  interval: Plan['interval'];
  price: Plan['price'];
  totalCycles: number;
}

function regularCycle(value: unknown): RegularCycle {
  if (value === undefined || value === null) throw errors.missingField('/billing_cycles');
  if (!Array.isArray(value)) throw syntaxError('/billing_cycles', value);
  if (value.length !== 1) throw unsupported('The sandbox simulates plans with exactly one REGULAR billing cycle.');
  const cycle = value[0] as unknown;
  const path = '/billing_cycles/0';
  if (cycle === null || typeof cycle !== 'object' || Array.isArray(cycle)) throw syntaxError(path, cycle);
  const body = cycle as Json;

  const tenure = requiredString(body, 'tenure_type', 24, path);
  if (tenure !== 'REGULAR') {
    if (tenure === 'TRIAL') throw unsupported('Trial billing cycles are not simulated.');
    throw valueError(`${path}/tenure_type`, tenure);
  }
  if (body.sequence === undefined) throw errors.missingField(`${path}/sequence`);
  optionalInteger(body, 'sequence', 1, 99, 1, path);
  const totalCycles = optionalInteger(body, 'total_cycles', 0, 999, 1, path);

  const frequency = requiredObject(body, 'frequency', path);
  const unit = oneOf(requiredString(frequency, 'interval_unit', 32, `${path}/frequency`), INTERVAL_UNITS,
    `${path}/frequency/interval_unit`);
  const count = optionalInteger(frequency, 'interval_count', 1, MAX_INTERVAL_COUNT[unit], 1, `${path}/frequency`);

  const scheme = optionalObject(body, 'pricing_scheme', path);
  const fixed = scheme === undefined ? undefined : optionalObject(scheme, 'fixed_price', `${path}/pricing_scheme`);
  if (fixed === undefined) throw errors.missingField(`${path}/pricing_scheme/fixed_price`);
  const pricePath = `${path}/pricing_scheme/fixed_price`;
  const currency = requiredString(fixed, 'currency_code', 3, pricePath);
  if (!/^[A-Z]{3}$/.test(currency)) throw syntaxError(`${pricePath}/currency_code`, currency);
  const amount = requiredString(fixed, 'value', 32, pricePath);
  const minor = toMinor(amount, currency);
  if (minor === 'DECIMALS_NOT_SUPPORTED' || minor === 'DECIMAL_PRECISION') throw amountRefused(minor, `${pricePath}/value`, amount);
  if (typeof minor !== 'number') throw syntaxError(`${pricePath}/value`, amount);

  return { interval: { unit, count }, price: { currency_code: currency, value: amount }, totalCycles };
}

/** A valid PayPal request the stand-in does not model; said plainly rather than half-simulated. */
function unsupported(description: string): PayPalError {
  return errors.unprocessable('SANDBOX_UNSUPPORTED', description);
}

export function setPlanStatus(ctx: SandboxContext, plan: Plan,
  action: 'activate' | 'deactivate'): void {
  if (action === 'activate' && plan.status === 'ACTIVE') {
    throw errors.unprocessable('PLAN_STATUS_INVALID',
      'Invalid plan status for activate action; plan status should be either created or inactive.');
  }
  if (action === 'deactivate' && plan.status !== 'ACTIVE') {
    throw errors.unprocessable('PLAN_STATUS_INVALID',
      'Invalid plan status for deactivate action; plan status should be active.');
  }
  plan.status = action === 'activate' ? 'ACTIVE' : 'INACTIVE';
  plan.updateTime = ctx.isoNow();
}
