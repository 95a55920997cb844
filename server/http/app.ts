// The companion server's fastify instance: body handling, security headers, error shapes, and the routes.
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { API_PATHS, type ApiErrorCode } from '../../common/api';
import type { HttpLimits } from '../config/env';
import { ApiError } from './api-error';
import { answerClientError } from './client-errors';
import { capConnections } from './connection-cap';
import { errorCodeFor, validatorCompiler } from './validation';

declare module 'fastify' {
  interface FastifyRequest {
    /** Exact request bytes of JSON requests: webhook signatures are computed over them. */
    rawBytes?: Buffer;
  }
}

/** Webhook bodies may be up to 256 KiB (PayPal's are a few KiB); everything else far less. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;
export const API_BODY_LIMIT = 16 * 1024;

export interface HttpAppOptions {
  limits: HttpLimits;
  /** Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client; none by default. */
  trustedProxies: readonly string[];
  /** Counts what the limits refused before any route ran. */
  onRefused: (code: ApiErrorCode) => void;
}

/** How often node:http looks for requests past their timeout: a fraction of the shortest, so none runs far over. */
function checkingIntervalMs(limits: HttpLimits): number {
  return Math.max(25, Math.min(5_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)));
}

/** One API route the server serves (HEAD routes fastify adds for GET routes, and the console's pages, are left out). */
export interface ServedRoute {
  method: string;
  url: string;
}

export async function createHttpApp(logger: Logger, options: HttpAppOptions): Promise<{ app: FastifyInstance; routes: readonly ServedRoute[] }> {
  const { limits } = options;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: API_BODY_LIMIT,
    return503OnClosing: true,
    forceCloseConnections: false,
    // No idle limit on a socket with a request in progress: GET /v1/checkouts/:id?wait=30 answers after its
    // wait. A client that is slow to send its request meets requestTimeout and headersTimeout instead.
    connectionTimeout: 0,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: checkingIntervalMs(limits) },
    ...(options.trustedProxies.length > 0 ? { trustProxy: [...options.trustedProxies] } : {}),
    clientErrorHandler: (error, socket) => answerClientError(error, socket, options.onRefused),
  });
  capConnections(app.server, limits.maxConnections, () => options.onRefused('too_many_connections'));
  const routes: ServedRoute[] = [];
  app.addHook('onRoute', (route) => {
    // The support console's pages are not part of the API (and hidden from its document).
    if ((route.schema as { hide?: boolean } | undefined)?.hide) return;
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  app.setValidatorCompiler(validatorCompiler);
  // Collects every route's schema as it is added: registered before any route.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Hardbound companion server', version: '1', description: 'Sells an Enterprise tier from inside a desktop app; see the README.' },
      components: {
        securitySchemes: {
          pollToken: { type: 'http', scheme: 'bearer', description: 'The pollToken of POST /v1/checkouts.' },
          supportToken: { type: 'http', scheme: 'bearer', description: 'A support token (hardbound-server support token create).' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'HARDBOUND_METRICS_TOKEN.' },
        },
      },
    },
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
    if (e.validation) {
      const part = (e as { validationContext?: string }).validationContext;
      const schema = part ? (req.routeOptions.schema as Record<string, unknown> | undefined)?.[part] : undefined;
      const code = errorCodeFor(schema, (e.validation as Array<{ schemaPath?: string }>)[0]) ?? 'bad_request';
      return send(400, code, e.message ?? 'The request is not valid.');
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return send(status, status === 404 ? 'not_found' : 'bad_request', 'The request is not valid.');
    }
    req.log.error({ err: { type: (error as Error).name, message: e.message, code: e.code } }, 'request failed');
    return send(500, 'internal', 'Something went wrong on the server; try again.');
  });

  app.get(API_PATHS.openapi, { schema: { operationId: 'openapi', summary: 'This document: the API as OpenAPI 3.1', tags: ['operations'] } }, async () => app.swagger());

  app.setNotFoundHandler((_req, reply) => {
    reply.status(404).send(new ApiError(404, 'not_found', 'No such route.').body());
  });
  return { app, routes };
}
