// A verified delivery's body, read: parsed and translated into a whitelisted trigger (translate.ts). Pure: it
// runs on the event loop, or on the worker thread right after that worker has checked the signature
// (signature-worker.ts) — never on a body whose signature has not verified.
import { translateWebhook, type WebhookReading } from './translate';

export type DeliveryReading = { kind: 'invalid_json' } | { kind: 'read'; reading: WebhookReading };

export function readDelivery(rawBody: Uint8Array): DeliveryReading {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8'));
  } catch {
    return { kind: 'invalid_json' };
  }
  return { kind: 'read', reading: translateWebhook(json) };
}
