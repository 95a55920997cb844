// Where PayPal itself sends more than one shape for the same thing, the sandbox can send each: a consumer
// that reads only one of them passes against PayPal on some days and fails on others.
import { PayPalError } from './errors';

export interface ResourceShapes {
  /**
   * PAYMENT.SALE.REVERSED. `resource-is-sale`: the documented body (resource.id is the reversed sale, the
   * total negative, one `self` link to the v1 refund). `resource-is-refund`: what PayPal's webhook simulator
   * sends (resource.id is the refund; nothing in the body names the sale, GET /v1/payments/refund/{id} does).
   */
  saleReversal: 'resource-is-sale' | 'resource-is-refund';
  /**
   * How a capture (GET /v2/payments/captures/{id} and PAYMENT.CAPTURE.* resources) names its order.
   * `related-ids-and-up`: supplementary_data.related_ids.order_id and the `up` link, as Payments v2 documents
   * it. `up-only`: only the `up` link, as some of PayPal's capture events carry it.
   */
  captureOrder: 'related-ids-and-up' | 'up-only';
}

export const DEFAULT_SHAPES: ResourceShapes = { saleReversal: 'resource-is-sale', captureOrder: 'related-ids-and-up' };

const CHOICES: { [K in keyof ResourceShapes]: readonly ResourceShapes[K][] } = {
  saleReversal: ['resource-is-sale', 'resource-is-refund'],
  captureOrder: ['related-ids-and-up', 'up-only'],
};

/** `current` with the shapes `input` names changed; anything unknown is a 400 naming it. */
export function withShapes(current: ResourceShapes, input: unknown): ResourceShapes {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw invalid('shapes', 'A JSON object is required.');
  const next: ResourceShapes = { ...current };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(CHOICES, key)) throw invalid(key, 'Unknown shape.');
    const choices = CHOICES[key as keyof ResourceShapes] as readonly unknown[];
    if (!choices.includes(value)) throw invalid(key, `One of ${choices.join(', ')}.`);
    Object.assign(next, { [key]: value });
  }
  return next;
}

function invalid(field: string, issue: string): PayPalError {
  return new PayPalError(400, 'VALIDATION_ERROR', [{ field, location: 'body', issue, description: issue }], 'Invalid data provided');
}
