import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { API_PATHS, type SupportActionRequest } from '../../../common/api';
import type { SupportService } from '../../support/service';
import { bearer } from './checkouts';

/** Support endpoints: deny by default (bearer support token), rate-limited, every call audited. */
export async function supportRoutes(app: FastifyInstance, support: SupportService, limit: { max: number; windowMs: number }): Promise<void> {
  await app.register(async (scoped) => {
    await scoped.register(rateLimit, { max: limit.max, timeWindow: limit.windowMs });
    scoped.addHook('preHandler', async (req) => {
      req.supportActor = await support.authenticate(bearer(req));
    });
    scoped.get<{ Querystring: { q?: string } }>(API_PATHS.supportLookup, async (req) => support.lookup(req.query.q, req.supportActor ?? ''));
    scoped.post<{ Params: { id: string } }>('/v1/support/licenses/:id/revoke', async (req) =>
      support.revoke(req.params.id, body(req.body).reason, req.supportActor ?? ''),
    );
    scoped.post<{ Params: { id: string } }>('/v1/support/licenses/:id/transfer', async (req) => {
      const b = body(req.body);
      return support.transfer(req.params.id, b.anchor, b.reason, req.supportActor ?? '');
    });
    scoped.post<{ Params: { id: string } }>('/v1/support/licenses/:id/reissue', async (req) =>
      support.reissue(req.params.id, body(req.body).reason, req.supportActor ?? ''),
    );
  });
}

function body(raw: unknown): Partial<SupportActionRequest> {
  return raw && typeof raw === 'object' ? (raw as Partial<SupportActionRequest>) : {};
}

declare module 'fastify' {
  interface FastifyRequest {
    supportActor?: string;
  }
}
