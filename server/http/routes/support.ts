// The support API and the console's sessions. Every call is authenticated first — a bearer support token (the
// CLI, scripts) or the console's session cookie, whose unsafe requests must also carry the session's CSRF token
// and come from our own origin — and only then rate-limited, per token, so junk from a shared address never
// spends a staff member's allowance. Failed authentications are audited (never what was presented) and limited
// per client address (behind HARDBOUND_TRUSTED_PROXIES, the forwarded one); past that limit they are answered
// 429 and audited once per window. A valid token still gets in: tokens are 256 random bits, so the limit guards
// the audit log and the database, not a guessable secret, and a flood from someone else's address locks no one out.
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { API_ROUTES, type SupportAction, type SupportActionRequest, type SupportSessionResponse } from '../../../common/api';
import type { Clock } from '../../../common/clock';
import type { Rate } from '../../config/env-readers';
import * as audit from '../../store/audit';
import type { Store } from '../../store/database';
import { callerFor, type SupportCaller, type SupportService } from '../../support/service';
import type { OpenSession, SupportSessions } from '../../support/sessions';
import { ApiError } from '../api-error';
import { bearer } from './checkouts';

export interface SupportHttpOptions {
  perToken: Rate;
  authFailuresPerClient: Rate;
  /** Set the cookie's Secure flag: the public URL is https. */
  secureCookie: boolean;
  /** The origin the console is served from (the public URL's); unsafe requests from any other are refused. */
  publicOrigin: string | null;
  /** The public URL's path prefix ('' at the root), so the cookie's path matches what the browser sees. */
  publicPathPrefix: string;
  store: Store;
  clock: Clock;
  onRefused?: (code: 'rate_limited' | 'auth_failure_limited' | 'csrf_rejected') => void;
}

export const SESSION_COOKIE = 'hardbound_support';
const TRACKED_KEYS = 10_000;

declare module 'fastify' {
  interface FastifyRequest {
    supportCaller?: SupportCaller;
  }
}

export async function supportRoutes(app: FastifyInstance, support: SupportService, sessions: SupportSessions, options: SupportHttpOptions): Promise<void> {
  if (!app.hasDecorator('createRateLimit')) await app.register(rateLimit, { global: false, cache: TRACKED_KEYS });
  const perToken = app.createRateLimit({
    max: options.perToken.max, timeWindow: options.perToken.windowMs, keyGenerator: (req) => `support-token:${req.supportCaller?.tokenId ?? ''}`,
  });
  const failures = app.createRateLimit({
    max: options.authFailuresPerClient.max, timeWindow: options.authFailuresPerClient.windowMs, keyGenerator: (req) => `support-auth-failure:${req.ip}`,
  });
  const floodAudited = new Map<string, number>();

  /** A presented credential that is not one: audited without it, then 401 — or 429 past the per-address limit. */
  const failedAuthentication = async (req: FastifyRequest, reply: FastifyReply, via: 'bearer' | 'sign-in', message: string): Promise<never> => {
    const now = options.clock.now();
    const verdict = await failures(req);
    if (!verdict.isAllowed && verdict.isExceeded) {
      options.onRefused?.('auth_failure_limited');
      if ((floodAudited.get(req.ip) ?? 0) <= now) {
        if (floodAudited.size >= TRACKED_KEYS) floodAudited.clear();
        floodAudited.set(req.ip, now + verdict.ttl);
        await audit.append(options.store.db, {
          at: now, actor: 'unauthenticated', action: 'support-auth-limited', target: 'support-auth',
          reason: `more than ${options.authFailuresPerClient.max} failed authentications from one address`, detail: { client: req.ip, via },
        });
      }
      reply.header('retry-after', String(verdict.ttlInSeconds));
      throw new ApiError(429, 'rate_limited', `Too many failed sign-ins from this address; try again in ${verdict.ttlInSeconds} s.`);
    }
    await audit.append(options.store.db, {
      at: now, actor: 'unauthenticated', action: 'support-auth-failed', target: 'support-auth', reason: 'unknown or revoked support token', detail: { client: req.ip, via },
    });
    throw new ApiError(401, 'unauthorized', message);
  };

  /** Unsafe requests made with the session cookie: from our own origin, carrying the session's CSRF token. */
  const checkSameOrigin = (req: FastifyRequest) => {
    const origin = req.headers.origin;
    const own = new Set([options.publicOrigin, `${req.protocol}://${req.host}`].filter((o): o is string => Boolean(o)));
    const crossSite = req.headers['sec-fetch-site'] === 'cross-site';
    if (crossSite || (origin !== undefined && !own.has(origin))) {
      options.onRefused?.('csrf_rejected');
      throw new ApiError(403, 'csrf_rejected', 'This request did not come from the support console; sign in there and try again.');
    }
  };
  const checkCsrf = (req: FastifyRequest, session: OpenSession) => {
    checkSameOrigin(req);
    const sent = Buffer.from(String(req.headers['x-csrf-token'] ?? ''));
    const expected = Buffer.from(session.csrfToken);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      options.onRefused?.('csrf_rejected');
      throw new ApiError(403, 'csrf_rejected', 'The console\'s security token is missing or wrong; reload the page and try again.');
    }
  };

  const cookiePath = `${options.publicPathPrefix}/v1/support`;
  const setSessionCookie = (reply: FastifyReply, secret: string, expiresAt: number) => {
    reply.setCookie(SESSION_COOKIE, secret, {
      path: cookiePath, httpOnly: true, sameSite: 'strict', secure: options.secureCookie,
      maxAge: Math.max(1, Math.ceil((expiresAt - options.clock.now()) / 1000)),
    });
  };
  const clearSessionCookie = (reply: FastifyReply) => {
    reply.clearCookie(SESSION_COOKIE, { path: cookiePath, httpOnly: true, sameSite: 'strict', secure: options.secureCookie });
  };
  const sessionAnswer = (session: OpenSession): SupportSessionResponse => ({
    signedIn: true,
    name: session.token.name,
    role: session.token.role,
    csrfToken: session.csrfToken,
    idleTimeoutSeconds: Math.floor(sessions.policy.idleMs / 1000),
    expiresAt: new Date(session.expiresAt).toISOString(),
  });
  /** The cookie's session, or 401 (session_expired when it timed out or was ended). */
  const cookieSession = async (req: FastifyRequest, reply: FastifyReply): Promise<{ secret: string; session: OpenSession }> => {
    const secret = req.cookies[SESSION_COOKIE];
    if (!secret) throw new ApiError(401, 'unauthorized', 'Sign in with your support token, or send it as a bearer token.');
    const session = await sessions.resume(secret);
    if (session === 'expired' || session === null) {
      clearSessionCookie(reply);
      throw new ApiError(401, 'session_expired', 'Your console session has ended (signed out, idle too long or past its time limit). Sign in again.');
    }
    return { secret, session };
  };

  await app.register(async (scoped) => {
    await scoped.register(cookie);
    const api = scoped.withTypeProvider<TypeBoxTypeProvider>();
    const { supportSignIn, supportSession, supportSignOut } = API_ROUTES;

    api.post(supportSignIn.url, { schema: supportSignIn.schema }, async (req, reply) => {
      checkSameOrigin(req);
      const token = await sessions.tokenFor(req.body.token.trim());
      if (!token) return failedAuthentication(req, reply, 'sign-in', 'This support token is not valid (unknown or revoked).');
      // A new sign-in never keeps an older session of this browser alive.
      const previous = req.cookies[SESSION_COOKIE];
      if (previous) await sessions.end(previous);
      const { secret, session } = await sessions.open(token);
      await audit.append(options.store.db, { at: options.clock.now(), actor: token.name, action: 'sign-in', target: `support-token:${token.name}`, detail: { client: req.ip } });
      setSessionCookie(reply, secret, session.expiresAt);
      return sessionAnswer(session);
    });
    // Answered 200 either way: a console opened without a session is not an error.
    api.get(supportSession.url, { schema: supportSession.schema }, async (req, reply) => {
      const secret = req.cookies[SESSION_COOKIE];
      const session = secret ? await sessions.resume(secret) : null;
      if (session === null || session === 'expired') {
        if (secret) clearSessionCookie(reply);
        return { signedIn: false as const, ended: Boolean(secret) };
      }
      return sessionAnswer(session);
    });
    api.post(supportSignOut.url, { schema: supportSignOut.schema }, async (req, reply) => {
      const { secret, session } = await cookieSession(req, reply);
      checkCsrf(req, session);
      const ended = await sessions.end(secret);
      await audit.append(options.store.db, { at: options.clock.now(), actor: session.token.name, action: 'sign-out', target: `support-token:${session.token.name}` });
      clearSessionCookie(reply);
      return { signedOut: ended };
    });

    await scoped.register(async (authed) => {
      // Before validation: without valid credentials the answer is 401, whatever the request holds.
      authed.addHook('preValidation', async (req, reply) => {
        const person = personOf(req);
        const token = bearer(req);
        if (token !== undefined) {
          const record = await sessions.tokenFor(token);
          if (!record) return failedAuthentication(req, reply, 'bearer', 'This support token is not valid (unknown or revoked).');
          req.supportCaller = callerFor(record, person);
          return;
        }
        const { session } = await cookieSession(req, reply);
        if (req.method !== 'GET' && req.method !== 'HEAD') checkCsrf(req, session);
        req.supportCaller = callerFor(session.token, person);
      });
      authed.addHook('preHandler', async (req, reply) => {
        const verdict = await perToken(req);
        if (verdict.isAllowed || !verdict.isExceeded) return;
        options.onRefused?.('rate_limited');
        reply.header('retry-after', String(verdict.ttlInSeconds));
        throw new ApiError(429, 'rate_limited', `Too many requests with this support token; try again in ${verdict.ttlInSeconds} s.`);
      });
      const authedApi = authed.withTypeProvider<TypeBoxTypeProvider>();
      const caller = (req: FastifyRequest) => req.supportCaller!;
      const { supportLookup, supportLicense } = API_ROUTES;
      authedApi.get(supportLookup.url, { schema: supportLookup.schema }, async (req) => support.lookup(req.query.q, req.query.reason, caller(req)));
      authedApi.get(supportLicense.url, { schema: supportLicense.schema }, async (req) => support.page(req.params.id, req.query.reason, caller(req)));
      const { supportRefund, supportCancel, supportRevoke, supportRestore, supportTransfer, supportReissue } = API_ROUTES;
      const act = (action: SupportAction) => async (req: FastifyRequest<{ Params: { id: string }; Body: SupportActionRequest }>) =>
        support.act(action, req.params.id, req.body, caller(req));
      authedApi.post(supportRefund.url, { schema: supportRefund.schema }, act('refund'));
      authedApi.post(supportCancel.url, { schema: supportCancel.schema }, act('cancel'));
      authedApi.post(supportRevoke.url, { schema: supportRevoke.schema }, act('revoke'));
      authedApi.post(supportRestore.url, { schema: supportRestore.schema }, act('restore'));
      authedApi.post(supportTransfer.url, { schema: supportTransfer.schema }, act('transfer'));
      authedApi.post(supportReissue.url, { schema: supportReissue.schema }, act('reissue'));
    });
  });
}

/** The person a tool acts for (the CLI's --actor): in the body of an action, the query of a lookup. */
function personOf(req: FastifyRequest): string | undefined {
  const from = (req.method === 'GET' ? req.query : req.body) as { actor?: unknown } | undefined;
  return typeof from?.actor === 'string' && /^[\w.@ -]{1,64}$/.test(from.actor) ? from.actor : undefined;
}
