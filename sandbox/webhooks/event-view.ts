// How recorded events appear in the Events API and the control API.
import type { Transmission, WebhookEvent } from '../model';
import { isSuccess } from './delivery';

/** The event in PayPal's envelope, read back from the exact body that was delivered. */
export function eventEnvelope(event: WebhookEvent): Record<string, unknown> {
  const parsed = parseObject(event.body);
  return parsed ?? { id: event.id, event_type: event.eventType, create_time: event.createTime };
}

export function eventWithTransmissions(event: WebhookEvent): Record<string, unknown> {
  return { ...eventEnvelope(event), transmissions: event.transmissions.map(transmissionView) };
}

export function transmissionView(t: Transmission): Record<string, unknown> {
  return {
    webhook_id: t.webhookId,
    transmission_id: t.transmissionId,
    url: t.url,
    time: t.time,
    attempt: t.attempt,
    status: isSuccess(t.statusCode) ? 'SUCCESS' : 'FAILURE',
    ...(t.statusCode !== undefined ? { http_status: t.statusCode } : {}),
    ...(t.error !== undefined ? { error: t.error } : {}),
  };
}

/** Provider references an event is about: what the Events API's transaction_id filter matches. */
export function transactionIds(event: WebhookEvent): string[] {
  const resource = parseObject(event.body)?.resource;
  if (!isObject(resource)) return [];
  const found: unknown[] = [resource.id, resource.billing_agreement_id, resource.sale_id];
  const supplementary = resource.supplementary_data;
  const related = isObject(supplementary) ? supplementary.related_ids : undefined;
  if (isObject(related)) found.push(...Object.values(related));
  const disputed = resource.disputed_transactions;
  if (Array.isArray(disputed)) {
    for (const t of disputed) if (isObject(t)) found.push(t.seller_transaction_id, t.buyer_transaction_id);
  }
  return found.filter((v): v is string => typeof v === 'string');
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
