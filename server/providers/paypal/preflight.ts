// Production's start check of the PayPal account this server is configured for: the credentials get a token,
// the webhook listener exists, delivers to this server and subscribes every event type acted on, and each
// recurring plan exists at PayPal with our price, currency and interval. Each problem is one sentence.
import type { Plan } from '../../../common/plans';
import type { PayPalAccount } from './account';
import { isPayPalApiError } from './errors';
import { cycleDifferences, wantedCycle } from './plan-match';
import { ACTED_ON_EVENT_TYPES } from './translate';

export interface PayPalExpectations {
  apiBase: string;
  webhookId: string;
  /** <public URL>/v1/webhooks/paypal */
  webhookUrl: string;
  plans: readonly Plan[];
  providerPlanIds: ReadonlyMap<string, string>;
}

const SETUP_HINT = '`hardbound-server paypal setup` puts it right';

function unreachable(apiBase: string, error: unknown): string {
  const why = isPayPalApiError(error) ? error.message : String(error);
  return `PayPal at ${apiBase} could not be reached or answered in an unexpected way (${why})`;
}

export async function payPalProblems(account: PayPalAccount, expect: PayPalExpectations): Promise<string[]> {
  try {
    await account.verifyCredentials();
  } catch (error) {
    if (isPayPalApiError(error, 'provider_rejected')) {
      const name = error.detail.paypalName ? ` ${error.detail.paypalName}` : '';
      return [`PayPal refused PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET (HTTP ${error.status ?? '?'}${name}) at ${expect.apiBase}: check both, and that they belong to this PayPal environment (sandbox or live)`];
    }
    return [unreachable(expect.apiBase, error)];
  }
  const problems = await webhookProblems(account, expect);
  for (const plan of expect.plans) problems.push(...(await planProblems(account, expect, plan)));
  return problems;
}

async function webhookProblems(account: PayPalAccount, expect: PayPalExpectations): Promise<string[]> {
  let listener;
  try {
    listener = await account.getWebhook(expect.webhookId);
  } catch (error) {
    if (isPayPalApiError(error, 'not_found')) {
      return [`PAYPAL_WEBHOOK_ID=${expect.webhookId}: PayPal has no such webhook for this app (${SETUP_HINT} and prints the id)`];
    }
    return [unreachable(expect.apiBase, error)];
  }
  const problems: string[] = [];
  if (listener.url !== expect.webhookUrl) {
    problems.push(`PAYPAL_WEBHOOK_ID=${expect.webhookId} delivers to ${listener.url}, not to this server's ${expect.webhookUrl} (HARDBOUND_PUBLIC_URL); ${SETUP_HINT}`);
  }
  if (!listener.eventTypes.includes('*')) {
    const missing = ACTED_ON_EVENT_TYPES.filter((type) => !listener.eventTypes.includes(type));
    if (missing.length > 0) {
      problems.push(`PAYPAL_WEBHOOK_ID=${expect.webhookId} does not subscribe ${missing.join(', ')}, which this server acts on; ${SETUP_HINT}`);
    }
  }
  return problems;
}

async function planProblems(account: PayPalAccount, expect: PayPalExpectations, plan: Plan): Promise<string[]> {
  const wanted = wantedCycle(plan);
  const providerId = expect.providerPlanIds.get(plan.id);
  if (wanted === null || providerId === undefined) return [];
  const named = `PAYPAL_PLAN_IDS: ${plan.id}=${providerId}`;
  try {
    const differences = cycleDifferences(await account.getPlan(providerId), wanted);
    return differences.length === 0 ? [] : [`${named}: ${differences.join('; ')} (${SETUP_HINT}: it creates a matching plan)`];
  } catch (error) {
    if (isPayPalApiError(error, 'not_found')) return [`${named}: PayPal has no such plan for this app (${SETUP_HINT})`];
    return [unreachable(expect.apiBase, error)];
  }
}
