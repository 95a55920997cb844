// "Copy details for support": everything a support person needs to find and judge the license, as one text
// block — ids, plan, dates, this machine's code, how the last refresh went. Never any payer data (the app has
// none), never the token.
import type { LicenseSnapshot } from '../common/app-state';
import { billingPeriod, entitlementStatus, formatMoney } from './format';

export function supportDetails(license: LicenseSnapshot): string {
  const e = license.entitlement;
  const d = e?.details ?? null;
  const lines: Array<[string, string | null | undefined]> = [
    ['Tier', license.tier === 'enterprise' ? 'Enterprise' : 'Free'],
    ['Status', e ? entitlementStatus(e) : 'No license'],
    ['Why', license.reason],
    ['Plan', d ? `${d.planName}${d.amount && d.currency ? `, ${formatMoney(d.amount, d.currency)}${d.billing ? ` ${billingPeriod(d.billing)}` : ''}` : ''}` : e?.planId],
    ['Purchased', d?.purchasedAt],
    ['Paid with', d?.provider],
    ['Paid through', e?.paidThrough],
    ['License id', e?.licenseId],
    ['Subscription id', d?.subscriptionId],
    ['Transaction id', e?.transactionId],
    ['License valid offline until', e?.expiresAt],
    ['Machine code', 'code' in license.anchor ? license.anchor.code : `none (${license.anchor.error})`],
    ['Last refresh', license.lastRefreshAt ?? 'never'],
    ['Last failed refresh', license.lastRefreshFailure ? `${license.lastRefreshFailure.at}: ${license.lastRefreshFailure.message}` : null],
    ['Stored in', license.storage === 'keychain' ? 'the OS keychain' : 'a file (no OS keychain)'],
  ];
  return ['Hardbound license details', ...lines.filter(([, value]) => value).map(([label, value]) => `${label}: ${value}`)].join('\n');
}
