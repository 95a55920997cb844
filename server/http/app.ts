// The companion server's fastify instance: body handling, security headers, error shapes, and the routes.
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ApiError } from './api-error';

declare module 'fastify' {
  interface FastifyRequest {
    /** Exact request bytes of JSON requests: webhook signatures are computed over them. */
    rawBytes?: Buffer;
  }
}

/** Webhook bodies may be up to 256 KiB (PayPal's are a few KiB); everything else far less. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;
export const API_BODY_LIMIT = 16 * 1024;

export async function createHttpApp(logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: API_BODY_LIMIT,
    return503OnClosing: true,
    forceCloseConnections: false,
    // Lets GET /v1/checkouts/:id?wait=30 finish before a proxy or socket timeout does.
    connectionTimeout: 0,
    keepAliveTimeout: 65_000,
  });
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], formAction: ["'self'"] } },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const raw = body as Buffer;
    req.rawBytes = raw;
    // Webhook routes verify the signature before anything is parsed; they parse rawBytes themselves.
    if (req.routeOptions.config && (req.routeOptions.config as { rawOnly?: boolean }).rawOnly) return done(null, undefined);
    if (raw.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(raw.toString('utf8')));
    } catch {
      done(new ApiError(400, 'invalid_json', 'The request body is not valid JSON.'), undefined);
    }
  });

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof ApiError) return reply.status(error.status).send(error.body());
    const e = error as { statusCode?: number; code?: string; validation?: unknown; message?: string };
    const status = e.statusCode;
    const send = (s: number, code: ApiError['code'], message: string) =>
      reply.status(s).send(new ApiError(s, code, message).body());
    if (status === 413) return send(413, 'payload_too_large', 'The request body is too large.');
    if (status === 415) return send(415, 'unsupported_media_type', 'Send the body as application/json.');
    if (status === 429) return send(429, 'rate_limited', 'Too many requests; slow down and retry later.');
    if (e.validation) return send(400, 'bad_request', e.message ?? 'The request is not valid.');
    if (status !== undefined && status >= 400 && status < 500) {
      return send(status, status === 404 ? 'not_found' : 'bad_request', 'The request is not valid.');
    }
    req.log.error({ err: { type: (error as Error).name, message: e.message, code: e.code } }, 'request failed');
    return send(500, 'internal', 'Something went wrong on the server; try again.');
  });

  app.setNotFoundHandler((_req, reply) => {
    reply.status(404).send(new ApiError(404, 'not_found', 'No such route.').body());
  });
  return app;
}
