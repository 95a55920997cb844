// POST /v1/oauth2/token: client-credentials grant with HTTP Basic client authentication.
import type { FastifyInstance } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { SandboxContext } from '../context';
import { OAuthError } from '../errors';
import { ids } from '../ids';

const SCOPE = [
  'https://uri.paypal.com/services/payments/futurepayments',
  'https://uri.paypal.com/services/payments/realtimepayment',
  'https://uri.paypal.com/services/subscriptions',
  'https://api.paypal.com/v1/payments/.*',
  'https://uri.paypal.com/services/applications/webhooks',
  'https://uri.paypal.com/payments/payouts',
  'openid',
].join(' ');

export function registerOAuth(app: FastifyInstance, ctx: SandboxContext): void {
  const appId = ids.appId();
  app.post('/v1/oauth2/token', async (req) => {
    if (!clientAuthenticated(req.headers.authorization, ctx.options.clientId, ctx.options.clientSecret)) {
      throw new OAuthError(401, 'invalid_client', 'Client Authentication failed');
    }
    const grant = (req.body as Record<string, unknown> | undefined)?.grant_type;
    if (grant === undefined) throw new OAuthError(400, 'unsupported_grant_type', 'Grant Type is NULL');
    if (grant !== 'client_credentials') {
      throw new OAuthError(400, 'unsupported_grant_type', `Grant Type ${String(grant)} is not supported`);
    }
    const token = ids.accessToken();
    ctx.state.tokens.set(token, ctx.clock.now() + ctx.options.tokenTtlSeconds * 1000);
    return {
      scope: SCOPE,
      access_token: token,
      token_type: 'Bearer',
      app_id: appId,
      expires_in: ctx.options.tokenTtlSeconds,
      nonce: ids.nonce(ctx.isoNow()),
    };
  });
}

function clientAuthenticated(header: string | undefined, clientId: string, secret: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(Buffer.from(match[1], 'base64').toString('utf8'));
  const expected = Buffer.from(`${clientId}:${secret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
