// POST /v1/notifications/verify-webhook-signature: PayPal checks a delivery for the merchant. The CRC is taken
// over the `webhook_event` member exactly as it appears in the request, so any re-serialization by the caller
// (reordered keys, changed whitespace) fails verification just as it does at PayPal.
import type { FastifyInstance } from 'fastify';
import { jsonBody } from '../http';
import { rawMemberText } from './raw-json';
import { AUTH_ALGO, type TransmissionSigner } from './signer';
import { webhookErrors } from './webhook-errors';

const STRING_FIELDS = ['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id'] as const;

export function registerVerifyRoute(app: FastifyInstance, signer: TransmissionSigner, certUrl: () => string): void {
  app.post('/v1/notifications/verify-webhook-signature', async (req) => {
    const body = jsonBody(req);
    for (const field of STRING_FIELDS) {
      if (typeof body[field] !== 'string' || body[field] === '') throw webhookErrors.validation(field, 'must not be null');
    }
    const event = body.webhook_event;
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw webhookErrors.validation('webhook_event', 'must not be null');
    }
    const eventText = rawMemberText(req.rawBody ?? '', 'webhook_event');
    const fields = body as Record<(typeof STRING_FIELDS)[number], string>;
    const verified =
      eventText !== undefined &&
      fields.auth_algo === AUTH_ALGO &&
      fields.cert_url === certUrl() &&
      signer.verify(
        { transmissionId: fields.transmission_id, transmissionTime: fields.transmission_time, webhookId: fields.webhook_id },
        Buffer.from(eventText, 'utf8'),
        fields.transmission_sig,
      );
    return { verification_status: verified ? 'SUCCESS' : 'FAILURE' };
  });
}
