// `hardbound-server paypal setup`: makes a PayPal app ready for this server, idempotently. It finds or creates
// the catalog product, one billing plan per recurring plan of ours (matched by a marker in its description,
// price, currency and interval) and the webhook listener for this server's URL with exactly the event types
// the server acts on. A second run finds everything and changes nothing. With dryRun it only reads.
import { createHash } from 'node:crypto';
import { paypalWebhookUrl } from '../../../common/api';
import type { Plan } from '../../../common/plans';
import type { PayPalAccount } from './account';
import { cycleDifferences, planMarker, wantedCycle } from './plan-match';
import { ACTED_ON_EVENT_TYPES } from './translate';

export const DEFAULT_PRODUCT_ID = 'HARDBOUND-ENTERPRISE';
/** PayPal takes 6-50 of these characters for a product id given by the caller. */
export const PRODUCT_ID_PATTERN = /^[A-Za-z0-9_-]{6,50}$/;

export interface SetupInput {
  publicUrl: string;
  plans: readonly Plan[];
  brandName: string;
  productId: string;
  dryRun: boolean;
}

export type SetupAction = 'found' | 'created' | 'updated' | 'would create' | 'would update';

export interface SetupStep {
  subject: string;
  action: SetupAction;
  /** PayPal's id of what was found or made; null for what a dry run would create (its id is PayPal's to give). */
  id: string | null;
  note?: string;
}

export interface SetupReport {
  steps: SetupStep[];
  /** Lines for the server's environment; an id still to be created shows as <created on a real run>. */
  env: string[];
  /** Whether the run changed (or, dry, would change) anything at PayPal. */
  changes: boolean;
}

const PENDING_ID = '<created on a real run>';

const requestId = (kind: string, ...parts: string[]) =>
  `hardbound-setup-${kind}-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32)}`;

export async function setUpPayPal(account: PayPalAccount, input: SetupInput): Promise<SetupReport> {
  await account.verifyCredentials();
  const steps: SetupStep[] = [];

  // The product's id is ours to choose, so even a dry run knows it.
  const product = await account.getProduct(input.productId);
  if (product) steps.push({ subject: 'product', action: 'found', id: product.id });
  else if (input.dryRun) steps.push({ subject: 'product', action: 'would create', id: input.productId });
  else {
    const name = `${input.brandName} Enterprise`.slice(0, 127);
    const made = await account.createProduct({ id: input.productId, name, description: 'Enterprise tier, sold in the app' }, requestId('product', input.productId));
    steps.push({ subject: 'product', action: 'created', id: made.id });
  }

  const existingPlans = product ? await account.listPlans(product.id) : [];
  const planIds: string[] = [];
  for (const plan of input.plans) {
    const wanted = wantedCycle(plan);
    if (wanted === null) continue;
    const subject = `plan ${plan.id} (${wanted.price.value} ${wanted.price.currency} every ${wanted.count} ${wanted.unit.toLowerCase()})`;
    const candidates = existingPlans.filter((p) => p.description === planMarker(plan.id) && p.status === 'ACTIVE');
    let match: string | null = null;
    const stale: string[] = [];
    for (const candidate of candidates) {
      const differences = cycleDifferences(await account.getPlan(candidate.id), wanted);
      if (differences.length === 0) {
        match = candidate.id;
        break;
      }
      stale.push(`${candidate.id} (${differences.join('; ')})`);
    }
    const note = stale.length > 0 ? `left as they are, for their subscribers: ${stale.join(', ')}` : undefined;
    if (match !== null) {
      steps.push({ subject, action: 'found', id: match });
      planIds.push(`${plan.id}=${match}`);
    } else if (input.dryRun) {
      steps.push({ subject, action: 'would create', id: null, ...(note ? { note } : {}) });
      planIds.push(`${plan.id}=${PENDING_ID}`);
    } else {
      const made = await account.createPlan(
        { productId: input.productId, name: plan.name, description: planMarker(plan.id), unit: wanted.unit, count: wanted.count, price: wanted.price },
        requestId('plan', input.productId, plan.id, wanted.unit, String(wanted.count), wanted.price.value, wanted.price.currency),
      );
      steps.push({ subject, action: 'created', id: made.id, ...(note ? { note } : {}) });
      planIds.push(`${plan.id}=${made.id}`);
    }
  }

  const url = paypalWebhookUrl(input.publicUrl);
  const webhook = await webhookStep(account, url, input.dryRun);
  steps.push(webhook);

  const env = [`PAYPAL_WEBHOOK_ID=${webhook.id ?? PENDING_ID}`];
  if (planIds.length > 0) env.push(`PAYPAL_PLAN_IDS=${planIds.join(',')}`);
  return { steps, env, changes: steps.some((s) => s.action !== 'found') };
}

async function webhookStep(account: PayPalAccount, url: string, dryRun: boolean): Promise<SetupStep> {
  const subject = `webhook ${url}`;
  const wanted = [...ACTED_ON_EVENT_TYPES];
  const existing = (await account.listWebhooks()).find((w) => w.url === url);
  if (existing === undefined) {
    if (dryRun) return { subject, action: 'would create', id: null, note: `${wanted.length} event types` };
    const made = await account.createWebhook(url, wanted, requestId('webhook', url));
    return { subject, action: 'created', id: made.id, note: `${wanted.length} event types` };
  }
  const missing = wanted.filter((t) => !existing.eventTypes.includes(t));
  const extra = existing.eventTypes.filter((t) => !(wanted as readonly string[]).includes(t));
  if (missing.length === 0 && extra.length === 0) return { subject, action: 'found', id: existing.id };
  const note = [missing.length ? `adds ${missing.join(', ')}` : '', extra.length ? `drops ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
  if (dryRun) return { subject, action: 'would update', id: existing.id, note };
  await account.setWebhookEventTypes(existing.id, wanted);
  return { subject, action: 'updated', id: existing.id, note };
}
