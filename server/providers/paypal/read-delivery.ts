// A verified delivery's body, read: parsed, translated into the whitelisted reference, plus the two envelope
// fields the inbox keeps. Pure: it runs on the event loop, or on the worker thread right after that worker has
// checked the signature (signature-worker.ts) — never on a body whose signature has not verified.
import { asObject, get, ids } from './fields';
import { translateWebhook, type WebhookReference } from './translate';

export type DeliveryReading =
  | { kind: 'invalid_json' }
  | { kind: 'read'; reference: WebhookReference; eventId: string | null; eventType: string };

export function readDelivery(rawBody: Uint8Array): DeliveryReading {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8'));
  } catch {
    return { kind: 'invalid_json' };
  }
  const envelope = asObject(json);
  const type = get(envelope, 'event_type');
  return {
    kind: 'read',
    reference: translateWebhook(json),
    eventId: ids.event(get(envelope, 'id')) ?? null,
    eventType: typeof type === 'string' ? type : 'unknown',
  };
}
