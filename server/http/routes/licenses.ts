import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { API_PATHS, type RedeemTransferRequest, type ReleaseLicenseRequest } from '../../../common/api';
import type { LicenseTransferService } from '../../licenses/transfer';

/** Self-service moves: release (authenticated by the presented entitlement) and redeem (by the transfer code).
 *  Rate-limited per client address, so a transfer code cannot be guessed by trying. */
export async function licenseRoutes(app: FastifyInstance, transfers: LicenseTransferService, limit: { max: number; windowMs: number }): Promise<void> {
  await app.register(async (scoped) => {
    await scoped.register(rateLimit, { max: limit.max, timeWindow: limit.windowMs });
    scoped.post(API_PATHS.releaseLicense, async (req) => {
      const body = objectBody<ReleaseLicenseRequest>(req.body);
      return transfers.release(body.anchor, body.token);
    });
    scoped.post(API_PATHS.redeemTransfer, async (req) => {
      const body = objectBody<RedeemTransferRequest>(req.body);
      return transfers.redeem(body.anchor, body.code);
    });
  });
}

function objectBody<T>(raw: unknown): Partial<T> {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Partial<T>) : {};
}
