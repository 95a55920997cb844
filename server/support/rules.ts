// Which support actions a license's state allows, and what each does to money and access, said in a sentence
// before it is done. Pure: the console offers exactly these, the API refuses everything else with a reason, and
// the CLI prints the same sentences.
import type { CancelAccess, SupportAction, SupportActionOffer, SupportRole } from '../../common/api';
import { shortAnchor } from '../../common/anchor';
import { access, type AccessPolicy, type LicenseState } from '../billing';
import { isReleasedAnchor } from '../licenses/released';

export interface RuleLicense {
  anchor: string;
  state: unknown;
  subscriptionId: string | null;
  transactionId: string | null;
  amount: string | null;
  currency: string | null;
  supportCancelledAt: number | null;
}

export interface RuleContext {
  role: SupportRole;
  /** The token name of whoever acts now, and of whoever made the standing revocation (null if unknown). */
  tokenName: string;
  revokedBy: string | null;
  now: number;
  policy: AccessPolicy;
  /** The license's payment provider as staff read it ("PayPal", "Paystack"). */
  providerName: string;
}

export type Refusal = { status: 403 | 409; code: 'forbidden' | 'action_not_allowed' | 'second_person_required'; message: string };

/** Statuses in which the provider is still billing the subscription (or may, once a pending payment clears). */
const BILLING = new Set<LicenseState['status']>(['pending', 'active', 'past_due', 'suspended', 'disputed']);

export function isBilling(license: RuleLicense): boolean {
  const { status } = license.state as LicenseState;
  if (license.subscriptionId === null) return false;
  // A subscription revoked before revocations cancelled billing may still be charged: cancelling it is allowed.
  return BILLING.has(status) || (status === 'revoked' && license.supportCancelledAt === null);
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const money = (l: RuleLicense) => (l.amount && l.currency ? `${l.amount} ${l.currency}` : 'the payment');

export function refusal(action: SupportAction, license: RuleLicense, ctx: RuleContext): Refusal | null {
  if (ctx.role !== 'act') return { status: 403, code: 'forbidden', message: 'This support token is read-only: it can look licenses up but not act on them.' };
  const state = license.state as LicenseState;
  const no = (message: string): Refusal => ({ status: 409, code: 'action_not_allowed', message });
  const grants = access(state, ctx.now, ctx.policy).tier === 'enterprise';
  switch (action) {
    case 'refund':
      if (state.status === 'refunded' || state.status === 'reversed') return no(`The money has already gone back (the license is ${state.status}).`);
      if (state.status === 'pending' || state.status === 'failed' || license.transactionId === null) return no('No payment of this license is recorded, so there is nothing to refund.');
      return null;
    case 'cancel':
      if (license.subscriptionId === null) return no('This is a one-time purchase: there is no subscription to cancel.');
      if (!isBilling(license)) return no(`${ctx.providerName} no longer bills this subscription (the license is ${state.status}).`);
      return null;
    case 'revoke':
      return state.status === 'revoked' ? no('This license is already revoked.') : null;
    case 'restore':
      if (state.status !== 'revoked') return no('Only a revoked license can be restored.');
      if (ctx.revokedBy !== null && ctx.revokedBy === ctx.tokenName) {
        return { status: 409, code: 'second_person_required', message: `${ctx.revokedBy} revoked this license; another person must restore it.` };
      }
      return null;
    case 'transfer':
      if (state.status === 'revoked') return no('A revoked license cannot be moved; restore it first.');
      if (!grants) return no(`This license grants nothing now (it is ${state.status}), so there is nothing to move.`);
      return null;
    case 'reissue':
      if (state.status === 'revoked') return no('A revoked license cannot be re-issued; restore it first.');
      if (!grants) return no(`This license grants nothing now (it is ${state.status}), so a token would only say Free.`);
      if (isReleasedAnchor(license.anchor)) return no('This license was released from its computer and is bound to none: transfer it to the customer\'s machine code first.');
      return null;
  }
}

export function consequence(action: SupportAction, license: RuleLicense, ctx: Pick<RuleContext, 'now' | 'policy' | 'revokedBy' | 'providerName'>, accessUntil: CancelAccess = 'period_end'): string {
  const state = license.state as LicenseState;
  const paidThrough = 'paid' in state && state.paid ? state.paid.paidThrough : null;
  const billing = isBilling(license);
  const name = ctx.providerName;
  const stopBilling = `${name} stops billing the subscription now (${name} cancels at once; it has no "at period end"), so nothing more is charged.`;
  switch (action) {
    case 'refund':
      return [
        billing ? stopBilling : '',
        `${name} returns ${money(license)} to the customer in full${license.subscriptionId ? ' (the subscription\'s last payment)' : ''}.`,
        `The license then ends as any refund does, once ${name}'s notice arrives: the app drops to Free at its next refresh and says the purchase was refunded.`,
      ].filter(Boolean).join(' ');
    case 'cancel':
      return accessUntil === 'now'
        ? `${stopBilling} No money is returned. Enterprise ends now: the license is revoked and the app says support revoked it.`
        : `${stopBilling} No money is returned. Enterprise continues until ${paidThrough ? day(paidThrough) : 'the paid period ends'}, then Free; the app says support cancelled the subscription.`;
    case 'revoke':
      return [
        billing ? `${stopBilling} If ${name} cannot be reached, nothing is revoked.` : '',
        'Enterprise ends now: the app drops to Free at its next refresh and says support revoked the license. No money is returned (refund separately).',
      ].filter(Boolean).join(' ');
    case 'restore': {
      const who = ctx.revokedBy ? ` ${ctx.revokedBy} revoked it; another person restores it.` : '';
      const cancelled = license.subscriptionId !== null && license.supportCancelledAt !== null
        ? ` Billing stays cancelled at ${name}: Enterprise lasts until the paid period ends.`
        : '';
      return `The revocation is undone: the license is what it would be had it never been revoked (anything ${name} reported meanwhile counts).${cancelled} No money moves.${who}`;
    }
    case 'transfer':
      return 'The license moves to the machine code you enter. Its old computer drops to Free at its next refresh and says the license moved to another computer. No money moves. Re-issue next to give the customer a token for the new computer.';
    case 'reissue':
      return `A fresh license token for machine ${shortAnchor(license.anchor)}, to send the customer. Nothing changes for money or access.`;
  }
}

const ORDER: SupportAction[] = ['refund', 'cancel', 'revoke', 'restore', 'transfer', 'reissue'];

/** The actions this token may take on the license now, each with its consequence. */
export function offers(license: RuleLicense, ctx: RuleContext): SupportActionOffer[] {
  return ORDER.filter((action) => refusal(action, license, ctx) === null).map((action) => ({
    action,
    consequence: consequence(action, license, ctx),
    ...(action === 'cancel'
      ? { options: (['period_end', 'now'] as const).map((accessUntil) => ({ accessUntil, consequence: consequence(action, license, ctx, accessUntil) })) }
      : {}),
  }));
}
