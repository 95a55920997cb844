import type { FastifyInstance } from 'fastify';
import { API_PATHS } from '../../../common/api';
import type { PayPalWebhook } from '../../webhooks/paypal-webhook';
import { WEBHOOK_BODY_LIMIT } from '../app';

export function webhookRoutes(app: FastifyInstance, paypal: PayPalWebhook): void {
  app.post(API_PATHS.paypalWebhook, { bodyLimit: WEBHOOK_BODY_LIMIT, config: { rawOnly: true } }, async (req) => {
    const { outcome } = await paypal.handle(req.headers, req.rawBytes);
    return { received: true, outcome };
  });
}
