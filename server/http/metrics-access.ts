// Who may read /metrics (sales per plan, refusals, queue sizes): a bearer token, or a listener of its own on an
// address only the monitoring network reaches. Without either, development serves it openly and production
// refuses it.
import { createServer, type Server } from 'node:http';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig } from '../config/env';
import type { Metrics } from '../observability/metrics';
import { ApiError } from './api-error';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** A preHandler for GET /metrics on the public port. */
export function metricsGuard(config: Pick<ServerConfig, 'mode' | 'metrics'>): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const token = config.metrics.token;
  const expected = token === null ? null : digest(token);
  return async (req, reply) => {
    if (expected === null) {
      if (config.mode === 'development') return;
      throw new ApiError(403, 'forbidden', 'Metrics are not served here: set HARDBOUND_METRICS_TOKEN (bearer) or HARDBOUND_METRICS_ADDRESS.');
    }
    const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    // Compared as digests: equal lengths for timingSafeEqual, and no length leak.
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new ApiError(401, 'unauthorized', 'GET /metrics needs the metrics token (HARDBOUND_METRICS_TOKEN) as a bearer token.');
    }
  };
}

/** GET /metrics, and nothing else, on an address of its own (HARDBOUND_METRICS_ADDRESS). */
export async function startMetricsListener(metrics: Metrics, address: { host: string; port: number }): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') {
      res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(metrics.render());
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'Only GET /metrics is served here.' } }));
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : address.port;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
