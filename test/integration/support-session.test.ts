// The console's session: a support token exchanged once for an httpOnly, SameSite=Strict cookie (Secure behind an
// https public URL), CSRF-protected unsafe requests, idle and absolute timeouts, sign-out, failed sign-ins audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, SupportActionResponse, SupportLookupResponse, SupportSessionResponse } from '../../common/api';
import { startHarness, type Harness } from './harness';
import { auditRows, buy } from './support-staff';

let h: Harness;
let alice: string;

beforeAll(async () => {
  h = await startHarness({ env: { HARDBOUND_SUPPORT_SESSION_IDLE_MINUTES: '30', HARDBOUND_SUPPORT_SESSION_MAX_HOURS: '8' } });
  alice = await h.server.support.createToken('alice', 'act');
});
afterAll(async () => {
  await h?.close();
});

interface Session {
  cookie: string;
  setCookie: string;
  body: SupportSessionResponse;
}

async function signIn(token = alice, harness = h): Promise<Session> {
  const res = await fetch(`${harness.server.url}/v1/support/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, setCookie, body: (await res.json()) as SupportSessionResponse };
}

const withCookie = <T>(s: Pick<Session, 'cookie'>, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) =>
  h.api<T>(method, path, { ...(options.body === undefined ? {} : { body: options.body }), headers: { cookie: s.cookie, ...options.headers } });

describe('sign-in', () => {
  it('a wrong token is 401 and audited without the token; nothing is set', async () => {
    const before = (await auditRows(h)).length;
    const res = await fetch(`${h.server.url}/v1/support/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'hbs_wrong-guess' }) });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    const rows = (await auditRows(h)).slice(before);
    expect(rows.map((r) => [r.actor, r.action])).toEqual([['unauthenticated', 'support-auth-failed']]);
    expect(JSON.parse(rows[0]!.detailJson!)).toEqual({ client: '127.0.0.1', via: 'sign-in' });
    expect(JSON.stringify(rows)).not.toContain('wrong-guess');
  });

  it('sets an httpOnly, SameSite=Strict cookie scoped to the support API (not Secure on an http public URL); the token is not in it', async () => {
    const s = await signIn();
    expect(s.setCookie).toMatch(/^hardbound_support=hbc_[\w-]{43}; Max-Age=28800; Path=\/v1\/support; HttpOnly; SameSite=Strict$/);
    expect(s.setCookie).not.toContain(alice);
    expect(s.body).toMatchObject({ name: 'alice', role: 'act', idleTimeoutSeconds: 1800 });
    const again = await withCookie<SupportSessionResponse>(s, 'GET', '/v1/support/session');
    expect(again.status).toBe(200);
    expect(again.body.csrfToken).toBe(s.body.csrfToken);
    const rows = await h.server.store.db.selectFrom('supportSessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(s.cookie.split('=')[1]);
  });

  it('behind an https public URL the cookie is Secure', async () => {
    const secure = await startHarness({ env: { HARDBOUND_PUBLIC_URL: 'https://licenses.example.test' } });
    try {
      const token = await secure.server.support.createToken('sam', 'read');
      expect((await signIn(token, secure)).setCookie).toMatch(/; Secure; SameSite=Strict$|; HttpOnly; Secure; SameSite=Strict$/);
    } finally {
      await secure.close();
    }
  });
});

describe('CSRF', () => {
  it('a lookup (GET) with the cookie works; an action needs the CSRF token and our own origin', async () => {
    const p = await buy(h);
    const s = await signIn();
    expect((await withCookie<SupportLookupResponse>(s, 'GET', `/v1/support/lookup?q=${p.view.license.id}`)).body.licenses).toHaveLength(1);
    const path = `/v1/support/licenses/${p.view.license.id}/reissue`;
    const before = (await auditRows(h)).length;
    const none = await withCookie<ApiErrorBody>(s, 'POST', path, { body: { reason: 'x' } });
    expect([none.status, none.body.error.code]).toEqual([403, 'csrf_rejected']);
    const wrong = await withCookie<ApiErrorBody>(s, 'POST', path, { body: { reason: 'x' }, headers: { 'x-csrf-token': 'A'.repeat(43) } });
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'csrf_rejected']);
    const elsewhere = await withCookie<ApiErrorBody>(s, 'POST', path, { body: { reason: 'x' }, headers: { 'x-csrf-token': s.body.csrfToken, origin: 'https://evil.example' } });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([403, 'csrf_rejected']);
    const crossSite = await withCookie<ApiErrorBody>(s, 'POST', path, { body: { reason: 'x' }, headers: { 'x-csrf-token': s.body.csrfToken, 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    // What a cross-site HTML form can send: a form body, no header of ours.
    const form = await withCookie<ApiErrorBody>(s, 'POST', path, { body: 'reason=x', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } });
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect((await auditRows(h)).length).toBe(before);
    const ok = await withCookie<SupportActionResponse>(s, 'POST', path, { body: { reason: 'keychain wiped' }, headers: { 'x-csrf-token': s.body.csrfToken, origin: new URL(h.server.url).origin } });
    expect(ok.status).toBe(200);
    expect((await auditRows(h)).slice(before).map((r) => [r.actor, r.action])).toEqual([['alice', 'reissue']]);
  });
});

describe('timeouts and sign-out', () => {
  it('idle longer than the idle timeout: 401 session_expired, and the session stays ended', async () => {
    const s = await signIn();
    h.clock.advance(29 * 60_000);
    expect((await withCookie(s, 'GET', '/v1/support/session')).status).toBe(200);
    h.clock.advance(31 * 60_000);
    const expired = await withCookie<ApiErrorBody>(s, 'GET', '/v1/support/lookup?q=lic_x');
    expect([expired.status, expired.body.error.code]).toEqual([401, 'session_expired']);
    expect(expired.headers['set-cookie']).toMatch(/hardbound_support=;/);
    h.clock.advance(1);
    expect((await withCookie(s, 'GET', '/v1/support/session')).body).toEqual({ signedIn: false, ended: true });
  });

  it('active all along, it still ends at its absolute limit', async () => {
    const s = await signIn();
    for (let i = 0; i < 16; i++) {
      h.clock.advance(29 * 60_000);
      expect((await withCookie(s, 'GET', '/v1/support/session')).status, `after ${(i + 1) * 29} minutes`).toBe(200);
    }
    h.clock.advance(29 * 60_000);
    expect((await withCookie<ApiErrorBody>(s, 'GET', '/v1/support/lookup?q=lic_x')).body.error.code).toBe('session_expired');
  });

  it('sign-out (with the CSRF token) ends the session and clears the cookie; revoking the token ends its sessions', async () => {
    const s = await signIn();
    expect((await withCookie(s, 'POST', '/v1/support/session/sign-out', { headers: { 'x-csrf-token': 'nope' } })).status).toBe(403);
    const out = await withCookie<{ signedOut: boolean }>(s, 'POST', '/v1/support/session/sign-out', { headers: { 'x-csrf-token': s.body.csrfToken } });
    expect(out.body).toEqual({ signedOut: true });
    expect(out.headers['set-cookie']).toMatch(/hardbound_support=;/);
    expect((await withCookie(s, 'GET', '/v1/support/session')).body).toMatchObject({ signedIn: false });
    expect((await withCookie(s, 'GET', '/v1/support/lookup?q=lic_x')).status).toBe(401);

    const bob = await h.server.support.createToken('bob', 'read');
    const b = await signIn(bob);
    expect((await withCookie(b, 'GET', '/v1/support/session')).status).toBe(200);
    await h.server.store.db.updateTable('supportTokens').set({ revokedAt: h.clock.now() }).where('name', '=', 'bob').execute();
    expect((await withCookie(b, 'GET', '/v1/support/lookup?q=lic_x')).status).toBe(401);
  });
});

describe('the console pages', () => {
  it('/support redirects to /support/, which is served with the console\'s own policy and is not in the API document', async () => {
    const bare = await fetch(`${h.server.url}/support`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/support/']);
    const page = await fetch(`${h.server.url}/support/`);
    // Built (200) or not yet (503 saying how), the page carries the console's policy.
    expect([200, 503]).toContain(page.status);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    if (page.status === 503) expect(await page.text()).toContain('npm run build:console');
    const doc = (await h.api<{ paths: Record<string, unknown> }>('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/support'))).toEqual([]);
  });
});
