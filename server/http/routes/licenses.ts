import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { API_ROUTES } from '../../../common/api';
import type { LicenseTransferService } from '../../licenses/transfer';

/** Self-service moves: release (authenticated by the presented entitlement) and redeem (by the transfer code).
 *  Rate-limited per client address, so a transfer code cannot be guessed by trying. */
export async function licenseRoutes(app: FastifyInstance, transfers: LicenseTransferService, limit: { max: number; windowMs: number }): Promise<void> {
  await app.register(async (scoped) => {
    await scoped.register(rateLimit, { max: limit.max, timeWindow: limit.windowMs });
    const api = scoped.withTypeProvider<TypeBoxTypeProvider>();
    const { releaseLicense, redeemTransfer } = API_ROUTES;
    api.post(releaseLicense.url, { schema: releaseLicense.schema }, async (req) => transfers.release(req.body.anchor, req.body.token));
    api.post(redeemTransfer.url, { schema: redeemTransfer.schema }, async (req) => transfers.redeem(req.body.anchor, req.body.code));
  });
}
