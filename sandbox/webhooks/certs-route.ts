// GET /v1/notifications/certs/{certId}: the signing certificate, then its issuer, as a PEM chain. No token
// needed (http.ts lists the path as public), as at PayPal.
import type { FastifyInstance } from 'fastify';
import { webhookErrors } from './webhook-errors';

export const CERTS_PATH = '/v1/notifications/certs';

export function registerCertRoute(app: FastifyInstance, certId: string, chainPem: string): void {
  app.get<{ Params: { certId: string } }>(`${CERTS_PATH}/:certId`, async (req, reply) => {
    if (req.params.certId !== certId) throw webhookErrors.invalidResourceId();
    return reply.type('application/x-pem-file').send(chainPem);
  });
}
