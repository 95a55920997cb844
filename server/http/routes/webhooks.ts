import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance } from 'fastify';
import { API_ROUTES, type ApiErrorCode } from '../../../common/api';
import type { Metrics } from '../../observability/metrics';
import type { WebhookPipeline } from '../../webhooks/pipeline';
import { WEBHOOK_BODY_LIMIT } from '../app';
import { ApiError } from '../api-error';

/** The code the error handler answers a request fastify refused before the handler ran (see app.ts). */
function refusalCode(status: number): ApiErrorCode {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  return 'bad_request';
}

/** POST /v1/webhooks/:provider — PayPal's configured listener URL /v1/webhooks/paypal is this route too. */
export function webhookRoutes(app: FastifyInstance, pipelines: ReadonlyMap<string, WebhookPipeline>, metrics: Metrics): void {
  // A provider name that is not one of ours is counted under one label, never the name sent.
  const label = (provider: string | undefined) => (provider !== undefined && pipelines.has(provider) ? provider : 'unknown');
  app.withTypeProvider<TypeBoxTypeProvider>().post(API_ROUTES.webhook.url, {
    schema: API_ROUTES.webhook.schema,
    bodyLimit: WEBHOOK_BODY_LIMIT,
    config: { rawOnly: true },
    // Providers' servers call this, never a browser: security headers protect nothing here and cost a share of
    // every delivery. Per-request info lines would be thousands a second in a burst; the outcome counter
    // (hardbound_webhooks_total) and the warnings below carry what operators need.
    helmet: false,
    logLevel: 'warn',
    // Every rejection leaves a counter and one log line with its code, never the body. The pipeline counts its
    // own errors; a body too large or of the wrong type is refused by fastify before it, so it is counted here.
    onError: async (req, _reply, error: FastifyError) => {
      const provider = label((req.params as { provider?: string } | undefined)?.provider);
      let code: ApiErrorCode = error instanceof ApiError ? error.code : 'internal';
      const status = error instanceof ApiError ? error.status : error.statusCode;
      if (!(error instanceof ApiError) && status !== undefined && status >= 400 && status < 500) {
        code = refusalCode(status);
        metrics.inc('hardbound_webhooks_total', { provider, outcome: code });
      }
      req.log.warn({ provider, status, code }, 'webhook rejected');
    },
  }, async (req) => {
    const pipeline = pipelines.get(req.params.provider);
    if (!pipeline) {
      metrics.inc('hardbound_webhooks_total', { provider: 'unknown', outcome: 'unknown_provider' });
      throw new ApiError(404, 'unknown_provider', 'This server takes no webhooks from a provider by that name.');
    }
    const { outcome } = await pipeline.handle({ headers: req.headers, rawBody: req.rawBytes, remoteAddress: req.ip });
    return { received: true as const, outcome };
  });
}
