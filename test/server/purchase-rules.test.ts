// What a machine may buy given what it holds: nothing more once it has lifetime; not a second subscription;
// lifetime while subscribed, naming the subscription it replaces (cancelled at PayPal once lifetime is paid).
import { describe, expect, it } from 'vitest';
import { licenseState, type BillingEvent } from '../../server/billing';
import { billedSubscription, isLifetime, purchaseVerdict } from '../../server/licenses/purchase-rules';
import { DAY, T0, ev } from './billing-fixtures';

const policy = { pastDueGraceMs: 3 * DAY };
const NOW = T0 + 10 * DAY;

interface Held {
  id: string;
  planId: string;
  subscriptionId: string | null;
  supersededBy: string | null;
  state: unknown;
}

const lifetime = (id: string, ...after: BillingEvent[]): Held =>
  ({ id, planId: 'enterprise-lifetime', subscriptionId: null, supersededBy: null, state: licenseState([ev.completed(T0, `CAP-${id}`), ...after]) });
const monthly = (id: string, ...after: BillingEvent[]): Held => ({
  id,
  planId: 'enterprise-monthly',
  subscriptionId: `I-${id.toUpperCase()}`,
  supersededBy: null,
  state: licenseState([ev.activated(T0, T0 + 30 * DAY, `I-${id.toUpperCase()}`), ev.renewed(T0, `SALE-${id}`, T0 + 30 * DAY, `I-${id.toUpperCase()}`), ...after]),
});
const sub = (id: string) => `I-${id.toUpperCase()}`;

describe('isLifetime', () => {
  it('a paid one-time license, disputed or not; never a subscription or a lifetime taken back', () => {
    expect(isLifetime(lifetime('lic_a'), NOW, policy)).toBe(true);
    expect(isLifetime(lifetime('lic_a', ev.disputeOpened(T0 + DAY, 'CAP-lic_a')), NOW, policy)).toBe(true);
    expect(isLifetime(monthly('lic_m'), NOW, policy)).toBe(false);
    expect(isLifetime(lifetime('lic_a', ev.refunded(T0 + DAY, 'CAP-lic_a')), NOW, policy)).toBe(false);
    expect(isLifetime(lifetime('lic_a', ev.reversed(T0 + DAY, 'CAP-lic_a')), NOW, policy)).toBe(false);
    expect(isLifetime({ state: licenseState([ev.pending(T0)]) }, NOW, policy)).toBe(false);
  });
});

describe('billedSubscription', () => {
  it('the subscription PayPal still bills: active, past due, suspended or disputed', () => {
    expect(billedSubscription(monthly('lic_m'))).toBe(sub('lic_m'));
    expect(billedSubscription(monthly('lic_m', ev.paymentFailed(T0 + 31 * DAY, sub('lic_m'))))).toBe(sub('lic_m'));
    expect(billedSubscription(monthly('lic_m', ev.suspended(T0 + DAY, sub('lic_m'))))).toBe(sub('lic_m'));
    expect(billedSubscription(monthly('lic_m', ev.disputeOpened(T0 + DAY, 'SALE-lic_m')))).toBe(sub('lic_m'));
  });

  it('none once it bills no more, for a superseded license, or a license without a subscription', () => {
    expect(billedSubscription(monthly('lic_m', ev.cancelled(T0 + DAY, sub('lic_m'))))).toBeNull();
    expect(billedSubscription(monthly('lic_m', ev.expired(T0 + DAY, sub('lic_m'))))).toBeNull();
    expect(billedSubscription(monthly('lic_m', ev.refunded(T0 + DAY, 'SALE-lic_m')))).toBeNull();
    expect(billedSubscription({ ...monthly('lic_m'), supersededBy: 'lic_x' })).toBeNull();
    expect(billedSubscription(lifetime('lic_a'))).toBeNull();
  });
});

describe('purchaseVerdict', () => {
  it('a machine holding nothing (or nothing that stands) may buy either kind', () => {
    for (const held of [[], [lifetime('lic_a', ev.refunded(T0 + DAY, 'CAP-lic_a'))], [{ ...lifetime('lic_a'), supersededBy: 'lic_b' }], [monthly('lic_m', ev.cancelled(T0 + DAY, sub('lic_m')))]]) {
      expect(purchaseVerdict(held, 'one_time', NOW, policy)).toEqual({ ok: true, replaces: null });
      expect(purchaseVerdict(held, 'recurring', NOW, policy)).toEqual({ ok: true, replaces: null });
    }
  });

  it('lifetime held: nothing more to buy, of either kind', () => {
    for (const held of [[lifetime('lic_a')], [monthly('lic_m'), lifetime('lic_a')]]) {
      for (const kind of ['one_time', 'recurring'] as const) {
        const verdict = purchaseVerdict(held, kind, NOW, policy);
        expect(verdict).toMatchObject({ ok: false, code: 'already_licensed' });
        expect(verdict.ok ? '' : verdict.message).toMatch(/lifetime/);
      }
    }
  });

  it('a billed subscription held: no second subscription, with a message naming it', () => {
    const verdict = purchaseVerdict([monthly('lic_m')], 'recurring', NOW, policy);
    expect(verdict).toMatchObject({ ok: false, code: 'already_subscribed' });
    expect(verdict.ok ? '' : verdict.message).toContain(sub('lic_m'));
    expect(purchaseVerdict([monthly('lic_m', ev.suspended(T0 + DAY, sub('lic_m')))], 'recurring', NOW, policy)).toMatchObject({ ok: false, code: 'already_subscribed' });
  });

  it('lifetime while subscribed is allowed and names the subscription it replaces', () => {
    expect(purchaseVerdict([monthly('lic_m')], 'one_time', NOW, policy)).toEqual({
      ok: true, replaces: { licenseId: 'lic_m', subscriptionId: sub('lic_m'), planId: 'enterprise-monthly' },
    });
    const pastDue = monthly('lic_p', ev.paymentFailed(T0 + 31 * DAY, sub('lic_p')));
    const cancelled = monthly('lic_c', ev.cancelled(T0 + DAY, sub('lic_c')));
    expect(purchaseVerdict([cancelled, pastDue], 'one_time', T0 + 32 * DAY, policy)).toEqual({
      ok: true, replaces: { licenseId: 'lic_p', subscriptionId: sub('lic_p'), planId: 'enterprise-monthly' },
    });
  });
});
