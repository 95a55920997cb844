// Moving a license to another computer without support, over HTTP against the real server and sandbox:
// release (authenticated by the presented entitlement, as a refresh is) answers a one-time code whose hash
// alone is stored; redeem binds the license to a new anchor once, before the code expires; the old machine
// learns why it is Free; a yearly limit holds; every move is on the support timeline and the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, RefreshResponse, ReleaseLicenseResponse, SupportLookupResponse } from '../../common/api';
import { newAnchor, refresh, startHarness, type Harness } from './harness';
import { auditFor, buy, supportCall } from './support-staff';

let h: Harness;
let staff: string;

beforeAll(async () => {
  h = await startHarness({ env: { HARDBOUND_SELF_MOVES_PER_YEAR: '2', HARDBOUND_TRANSFER_CODE_TTL_HOURS: '72' }, transferRateLimit: { max: 1_000, windowMs: 60_000 } });
  staff = await h.server.support.createToken('erin', 'act');
});
afterAll(async () => {
  await h?.close();
});

const release = (anchor: string, token: string) => h.api<ReleaseLicenseResponse & ApiErrorBody>('POST', '/v1/licenses/release', { body: { anchor, token } });
const redeem = (anchor: string, code: unknown) => h.api<RefreshResponse & ApiErrorBody>('POST', '/v1/licenses/redeem', { body: { anchor, code } });
const HOUR = 3_600_000;

describe('release and redeem', () => {
  it('release → a code; the old machine is Free at once and told why; redeem → Enterprise on the new one; the old one is told it moved', async () => {
    const p = await buy(h);
    const released = await release(p.anchor, p.view.entitlement.token);
    expect(released.status).toBe(200);
    const { transfer, entitlement, license, unbound } = released.body;
    expect(transfer.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(Date.parse(transfer.expiresAt) - h.clock.now()).toBeGreaterThan(71 * HOUR);
    expect(entitlement.claims).toMatchObject({ sub: p.anchor, tier: 'free', lic: p.view.license.id });
    expect(license).toBeNull();
    expect(unbound).toBe('released');
    // Only the code's hash is kept.
    const rows = await h.server.store.db.selectFrom('licenseTransfers').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(transfer.code.replace(/-/g, ''));

    const stillReleased = await refresh(h, p.anchor, entitlement.token);
    expect(stillReleased.body).toMatchObject({ unbound: 'released', entitlement: { claims: { tier: 'free' } } });

    const newAnchorId = newAnchor();
    const moved = await redeem(newAnchorId, transfer.code.toLowerCase().replace(/-/g, ' '));
    expect(moved.status).toBe(200);
    expect(moved.body.entitlement.claims).toMatchObject({ sub: newAnchorId, tier: 'enterprise', lic: p.view.license.id, status: 'active' });
    expect(moved.body.license).toMatchObject({ id: p.view.license.id, planName: 'Enterprise (lifetime)', amount: '49.00', currency: 'USD' });
    expect(moved.body.unbound).toBeUndefined();

    const refreshedNew = await refresh(h, newAnchorId, moved.body.entitlement.token);
    expect(refreshedNew.body.entitlement.claims.tier).toBe('enterprise');
    const refreshedOld = await refresh(h, p.anchor, entitlement.token);
    expect(refreshedOld.body).toMatchObject({ unbound: 'moved', license: null, entitlement: { claims: { tier: 'free', sub: p.anchor } } });
    // The old machine's original purchase token says the same.
    expect((await refresh(h, p.anchor, p.view.entitlement.token)).body).toMatchObject({ unbound: 'moved', entitlement: { claims: { tier: 'free' } } });

    // Support sees both steps on the timeline, and the audit trail has them (no person named: no PII).
    const lookup = await supportCall<SupportLookupResponse>(h, staff, 'GET', `/v1/support/lookup?q=${p.view.license.id}`);
    const kinds = lookup.body.licenses[0]!.timeline.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['license.released', 'license.moved']));
    expect(kinds.indexOf('license.released')).toBeLessThan(kinds.indexOf('license.moved'));
    expect(lookup.body.licenses[0]!.anchor).toBe(newAnchorId);
    const trail = await auditFor(h, p.view.license.id);
    expect(trail.filter((a) => a.actor === 'customer-app').map((a) => a.action)).toEqual(['release', 'move']);
  });

  it('a code works once, and not after it expires', async () => {
    const first = await buy(h);
    const code = (await release(first.anchor, first.view.entitlement.token)).body.transfer.code;
    expect((await redeem(newAnchor(), code)).status).toBe(200);
    const again = await redeem(newAnchor(), code);
    expect(again.status).toBe(404);
    expect(again.body.error).toMatchObject({ code: 'transfer_code_invalid', message: expect.stringMatching(/used already/) });

    const second = await buy(h);
    const late = (await release(second.anchor, second.view.entitlement.token)).body.transfer.code;
    h.clock.advance(73 * HOUR);
    const expired = await redeem(newAnchor(), late);
    expect(expired.status).toBe(410);
    expect(expired.body.error).toEqual({ code: 'transfer_code_expired', message: 'This transfer code has expired. Contact support to move the license.' });
  });

  it('refuses what is not a code, a code never issued, and a bad anchor, each with a sentence', async () => {
    expect((await redeem(newAnchor(), 'hello')).body.error).toMatchObject({ code: 'transfer_code_invalid', message: expect.stringMatching(/^That is not a transfer code/) });
    expect((await redeem(newAnchor(), 'AAAA-BBBB-CCCC')).status).toBe(404);
    expect((await redeem('not-an-anchor', 'AAAA-BBBB-CCCC')).body.error.code).toBe('invalid_anchor');
    expect((await redeem(newAnchor(), 42)).status).toBe(400);
  });

  it('a code no longer applies once support has moved the license meanwhile', async () => {
    const p = await buy(h);
    const code = (await release(p.anchor, p.view.entitlement.token)).body.transfer.code;
    const target = newAnchor();
    expect((await supportCall(h, staff, 'POST', `/v1/support/licenses/${p.view.license.id}/transfer`, { anchor: target, reason: 'lost laptop' })).status).toBe(200);
    const late = await redeem(newAnchor(), code);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('transfer_code_invalid');
  });

  it('only the machine holding an active license can release it, presenting its own token', async () => {
    const p = await buy(h);
    expect((await release(newAnchor(), p.view.entitlement.token)).status).toBe(403);
    h.sandbox.control.refundCapture(p.view.license.transactionId!);
    await h.sandbox.control.settle(10_000);
    const refunded = await release(p.anchor, p.view.entitlement.token);
    expect(refunded.status).toBe(409);
    expect(refunded.body.error).toEqual({ code: 'not_transferable', message: 'This computer has no active license to move.' });
  });

  it('allows HARDBOUND_SELF_MOVES_PER_YEAR releases in any 365 days, then sends the customer to support', async () => {
    const p = await buy(h);
    let anchor = p.anchor;
    let token = p.view.entitlement.token;
    for (let move = 0; move < 2; move++) {
      const code = (await release(anchor, token)).body.transfer.code;
      anchor = newAnchor();
      token = (await redeem(anchor, code)).body.entitlement.token;
    }
    const third = await release(anchor, token);
    expect(third.status).toBe(409);
    expect(third.body.error).toEqual({ code: 'transfer_limit_reached', message: 'This license has already been moved 2 times in the last 12 months. Contact support to move it again.' });
    expect((await refresh(h, anchor, token)).body.entitlement.claims.tier).toBe('enterprise'); // nothing changed

    h.clock.advance(366 * 24 * HOUR);
    const fresh = (await refresh(h, anchor, token)).body.entitlement.token;
    expect((await release(anchor, fresh)).status).toBe(200);
  });
});

describe('guessing codes', () => {
  it('is rate-limited per client: past the limit the answer is 429 rate_limited', async () => {
    const limited = await startHarness({ transferRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await limited.api('POST', '/v1/licenses/redeem', { body: { anchor: newAnchor(), code: 'AAAA-BBBB-CCCC' } })).status);
      }
      expect(statuses).toEqual([404, 404, 404, 429]);
    } finally {
      await limited.close();
    }
  });
});
