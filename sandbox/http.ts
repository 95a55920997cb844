// Fastify set-up shared by all sandbox routes: raw-body JSON, PayPal-shaped errors, bearer tokens.
import formBody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { OAuthError, PayPalError, errors } from './errors';
import type { SandboxContext } from './context';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body exactly as received (JSON requests only). */
    rawBody?: string;
  }
}

/** Paths that need no access token: the token endpoint itself, certificates, hosted pages, control API. */
const PUBLIC_PATHS = [/^\/v1\/oauth2\/token$/, /^\/v1\/notifications\/certs\//];

export async function createHttp(ctx: SandboxContext): Promise<FastifyInstance> {
  // Closing cuts every open connection: a client still holding one (a Paystack API call left hanging by a
  // fault) must not keep a test's sandbox.close() waiting for its keep-alive to lapse.
  const app = Fastify({ logger: ctx.options.logRequests, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  await app.register(formBody);

  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    req.rawBody = text;
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(
        errors.invalidRequest([
          { issue: 'MALFORMED_REQUEST_JSON', description: 'The request JSON is not well formed.', location: 'body' },
        ]),
        undefined,
      );
    }
  });

  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?')[0] ?? '';
    if (!/^\/v[12]\//.test(path) || PUBLIC_PATHS.some((p) => p.test(path))) return;
    requireAccessToken(ctx, req, path.startsWith('/v2/') ? 'v2' : 'v1');
  });

  app.setErrorHandler((error, _req, reply) => {
    if (error instanceof PayPalError) return reply.status(error.status).send(error.body());
    if (error instanceof OAuthError) return reply.status(error.status).send(error.body());
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 413) {
      return reply.status(413).send(new PayPalError(413, 'INVALID_REQUEST', [], 'Request entity too large.').body());
    }
    if (status === 415) {
      return reply
        .status(415)
        .send(new PayPalError(415, 'UNSUPPORTED_MEDIA_TYPE', [], 'The request payload is not supported.').body());
    }
    if (status !== undefined && status >= 400 && status < 500) {
      const description = error instanceof Error ? error.message : 'Invalid request.';
      return reply.status(400).send(errors.invalidRequest([{ issue: 'INVALID_REQUEST', description }]).body());
    }
    reply.log.error(error);
    return reply.status(500).send(new PayPalError(500, 'INTERNAL_SERVER_ERROR').body());
  });

  app.setNotFoundHandler((_req, reply) => {
    reply.status(404).send(errors.notFound('The requested resource was not found.').body());
  });
  return app;
}

function requireAccessToken(ctx: SandboxContext, req: FastifyRequest, api: 'v1' | 'v2'): void {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const expiry = match?.[1] ? ctx.state.tokens.get(match[1]) : undefined;
  if (expiry !== undefined && expiry > ctx.clock.now()) return;
  if (api === 'v2') throw errors.authentication();
  throw new OAuthError(
    401,
    'invalid_token',
    expiry === undefined ? 'The token passed in was not found in the system.' : 'Access Token has expired.',
  );
}

/** The request's JSON body as an object, or PayPal's 400 when it is missing or not an object. */
export function jsonBody(req: FastifyRequest): Record<string, unknown> {
  const body = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw errors.invalidRequest([
      { issue: 'MALFORMED_REQUEST_JSON', description: 'The request JSON is not well formed.', location: 'body' },
    ]);
  }
  return body as Record<string, unknown>;
}

/** The PayPal-Request-Id header (PayPal's idempotency key), if the caller sent one. */
export function paypalRequestId(req: FastifyRequest): string | undefined {
  const value = req.headers['paypal-request-id'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** True when the caller asked for the full resource (`Prefer: return=representation`). */
export function wantsRepresentation(req: FastifyRequest): boolean {
  const prefer = req.headers.prefer;
  return typeof prefer === 'string' && /(^|[,;\s])return=representation\b/i.test(prefer);
}
