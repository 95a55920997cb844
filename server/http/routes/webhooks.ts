import type { FastifyError, FastifyInstance } from 'fastify';
import { API_ROUTES, type ApiErrorCode } from '../../../common/api';
import type { Metrics } from '../../observability/metrics';
import type { PayPalWebhook } from '../../webhooks/paypal-webhook';
import { WEBHOOK_BODY_LIMIT } from '../app';
import { ApiError } from '../api-error';

/** The code the error handler answers a request fastify refused before the handler ran (see app.ts). */
function refusalCode(status: number): ApiErrorCode {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  return 'bad_request';
}

export function webhookRoutes(app: FastifyInstance, paypal: PayPalWebhook, metrics: Metrics): void {
  app.post(API_ROUTES.paypalWebhook.url, {
    schema: API_ROUTES.paypalWebhook.schema,
    bodyLimit: WEBHOOK_BODY_LIMIT,
    config: { rawOnly: true },
    // PayPal's servers call this, never a browser: security headers protect nothing here and cost a share of
    // every delivery. Per-request info lines would be thousands a second in a burst; the outcome counter
    // (hardbound_webhooks_total) and the warnings below carry what operators need.
    helmet: false,
    logLevel: 'warn',
    // Every rejection leaves a counter and one log line with its code, never the body. The handler counts its
    // own errors; a body too large or of the wrong type is refused by fastify before it, so it is counted here.
    onError: async (req, _reply, error: FastifyError) => {
      let code: ApiErrorCode = error instanceof ApiError ? error.code : 'internal';
      const status = error instanceof ApiError ? error.status : error.statusCode;
      if (!(error instanceof ApiError) && status !== undefined && status >= 400 && status < 500) {
        code = refusalCode(status);
        metrics.inc('hardbound_webhooks_total', { provider: 'paypal', outcome: code });
      }
      req.log.warn({ provider: 'paypal', status, code }, 'webhook rejected');
    },
  }, async (req) => {
    const { outcome } = await paypal.handle(req.headers, req.rawBytes);
    return { received: true as const, outcome };
  });
}
