// POST /v1/checkouts is anonymous and each one costs a PayPal order and a row, so creations are counted per
// client address (behind trusted proxies, the forwarded one) and per anchor; over either limit the answer is
// 429 rate_limited with Retry-After. The cap on open checkouts per anchor is the checkout service's.
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CheckoutLimits } from '../config/env';
import { ApiError } from './api-error';

/** Keys kept per limiter; past it the least recently seen are forgotten (memory stays bounded under a flood). */
const TRACKED_KEYS = 10_000;

export async function checkoutRateLimit(
  app: FastifyInstance,
  limits: CheckoutLimits,
  onLimited: (which: 'client' | 'anchor') => void,
): Promise<(req: FastifyRequest, reply: FastifyReply) => Promise<void>> {
  if (!app.hasDecorator('createRateLimit')) await app.register(rateLimit, { global: false, cache: TRACKED_KEYS });
  const perClient = app.createRateLimit({ max: limits.perClient.max, timeWindow: limits.perClient.windowMs });
  const perAnchor = app.createRateLimit({
    max: limits.perAnchor.max,
    timeWindow: limits.perAnchor.windowMs,
    keyGenerator: (req) => `anchor:${(req.body as { anchor?: unknown } | undefined)?.anchor}`,
  });
  const checks = [
    { limit: perClient, which: 'client', from: 'this address' },
    { limit: perAnchor, which: 'anchor', from: 'this machine' },
  ] as const;
  return async (req, reply) => {
    for (const { limit, which, from } of checks) {
      const verdict = await limit(req);
      if (verdict.isAllowed || !verdict.isExceeded) continue;
      onLimited(which);
      reply.header('retry-after', String(verdict.ttlInSeconds));
      throw new ApiError(429, 'rate_limited', `Too many checkouts started from ${from}; try again in ${verdict.ttlInSeconds} s.`);
    }
  };
}
