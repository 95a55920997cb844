import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { API_ROUTES } from '../../../common/api';
import type { SupportService } from '../../support/service';
import { bearer } from './checkouts';

/** Support endpoints: deny by default (bearer support token), rate-limited, every call audited. */
export async function supportRoutes(app: FastifyInstance, support: SupportService, limit: { max: number; windowMs: number }): Promise<void> {
  await app.register(async (scoped) => {
    await scoped.register(rateLimit, { max: limit.max, timeWindow: limit.windowMs });
    // Before validation: without a valid token the answer is 401, whatever the request holds.
    scoped.addHook('preValidation', async (req) => {
      req.supportActor = await support.authenticate(bearer(req));
    });
    const api = scoped.withTypeProvider<TypeBoxTypeProvider>();
    const { supportLookup, supportRevoke, supportTransfer, supportReissue } = API_ROUTES;
    api.get(supportLookup.url, { schema: supportLookup.schema }, async (req) => support.lookup(req.query.q, req.supportActor ?? ''));
    api.post(supportRevoke.url, { schema: supportRevoke.schema }, async (req) =>
      support.revoke(req.params.id, req.body.reason, req.supportActor ?? ''));
    api.post(supportTransfer.url, { schema: supportTransfer.schema }, async (req) =>
      support.transfer(req.params.id, req.body.anchor, req.body.reason, req.supportActor ?? ''));
    api.post(supportReissue.url, { schema: supportReissue.schema }, async (req) =>
      support.reissue(req.params.id, req.body.reason, req.supportActor ?? ''));
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    supportActor?: string;
  }
}
