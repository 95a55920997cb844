// A HardboundApi whose state the test sets step by step, recording every call: for UI behaviour that the
// real core reaches only slowly or not at all here (a non-retryable failure, a keychain-less store, a bad anchor).
import type { AppState, FlowState, LicenseSnapshot, PlanCatalog, ProviderRef, SubscriptionManagement } from '../../common/app-state';
import type { HardboundApi, LicenseImport } from '../../common/ipc';
import type { Plan } from '../../common/plans';

export const PLANS: Plan[] = [
  { id: 'enterprise-lifetime', name: 'Enterprise (lifetime)', tier: 'enterprise', price: '49.00', currency: 'USD', billing: { kind: 'one_time' } },
  { id: 'enterprise-monthly', name: 'Enterprise (monthly)', tier: 'enterprise', price: '9.00', currency: 'USD', billing: { kind: 'recurring', interval: 'month', intervalCount: 1 } },
  { id: 'enterprise-annual', name: 'Enterprise (annual)', tier: 'enterprise', price: '90.00', currency: 'USD', billing: { kind: 'recurring', interval: 'year', intervalCount: 1 } },
];

export const PAYPAL: ProviderRef = { id: 'paypal', name: 'PayPal' };
export const PAYSTACK: ProviderRef = { id: 'paystack', name: 'Paystack' };

/** The plans as a server selling through PayPal alone answers them. */
export const PAYPAL_CATALOG: PlanCatalog = {
  plans: PLANS.map((plan) => ({ ...plan, providers: ['paypal'] })),
  providers: [{ id: 'paypal', name: 'PayPal', requiresEmail: false, checkoutHosts: ['www.paypal.com'] }],
};

/** The plans as a server selling through PayPal and Paystack answers them (the monthly plan through PayPal alone). */
export const TWO_PROVIDER_CATALOG: PlanCatalog = {
  plans: PLANS.map((plan) => ({ ...plan, providers: plan.id === 'enterprise-monthly' ? ['paypal'] : ['paypal', 'paystack'] })),
  providers: [...PAYPAL_CATALOG.providers, { id: 'paystack', name: 'Paystack', requiresEmail: true, checkoutHosts: ['checkout.paystack.com'] }],
};

export const FREE_LICENSE: LicenseSnapshot = {
  tier: 'free',
  entitlement: null,
  reason: 'No license on this machine',
  anchor: { short: 'AbCdEf…wxyz', code: 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_awxyz' },
  storage: 'keychain',
  online: true,
  lastRefreshAt: null,
  lastRefreshFailure: null,
  needsOnlineCheck: false,
  transfer: null,
};

export const ENTERPRISE_LICENSE: LicenseSnapshot = {
  ...FREE_LICENSE,
  tier: 'enterprise',
  reason: null,
  entitlement: {
    tier: 'enterprise',
    status: 'active',
    licenseId: 'lic_test',
    planId: 'enterprise-monthly',
    transactionId: '7TX12345AB678901C',
    paidThrough: '2030-01-15T00:00:00.000Z',
    issuedAt: '2029-12-15T00:00:00.000Z',
    expiresAt: '2030-01-22T00:00:00.000Z',
    subscription: { kind: 'renewing', renewsOn: '2030-01-15T00:00:00.000Z' },
    details: {
      planName: 'Enterprise (monthly)',
      billing: { kind: 'recurring', interval: 'month', intervalCount: 1 },
      amount: '9.00',
      currency: 'USD',
      purchasedAt: '2029-11-15T09:30:00.000Z',
      subscriptionId: 'I-BW452GLLEP1G',
      provider: 'paypal',
    },
    unbound: null,
    why: null,
  },
  lastRefreshAt: '2029-12-15T10:00:00.000Z',
};

export type Call = { method: keyof HardboundApi; args: unknown[] };

export class ScriptedApi implements HardboundApi {
  readonly calls: Call[] = [];
  private state: AppState;
  private readonly listeners = new Set<(state: AppState) => void>();

  constructor(license: LicenseSnapshot = FREE_LICENSE, private readonly catalog: PlanCatalog = PAYPAL_CATALOG, paymentPages: string[] = ['paypal']) {
    // A core holding a license has loaded the catalog once its first refresh answered (it names the provider).
    this.state = { license, flow: { step: 'idle' }, manage: { step: 'idle' }, catalog: license.entitlement ? catalog : null, paymentPages };
  }

  /** What cancelSubscription() moves the state to once it is called (it always goes through 'cancelling'). */
  cancelOutcome: SubscriptionManagement | null = null;

  setFlow(flow: FlowState): void {
    this.push({ ...this.state, flow });
  }

  setLicense(license: LicenseSnapshot): void {
    this.push({ ...this.state, license });
  }

  setManage(manage: SubscriptionManagement): void {
    this.push({ ...this.state, manage });
  }

  callsOf(method: keyof HardboundApi): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  async getState() {
    this.calls.push({ method: 'getState', args: [] });
    return this.state;
  }
  async listPlans() {
    this.calls.push({ method: 'listPlans', args: [] });
    return this.catalog;
  }
  async startUpgrade(planId: string, provider: string | null, email: string | null) {
    this.calls.push({ method: 'startUpgrade', args: [planId, provider, email] });
    const info = this.catalog.providers.find((p) => p.id === provider);
    this.setFlow({ step: 'creating', planId, provider: { id: provider ?? '', name: info?.name ?? '' } });
  }
  async reopenCheckout() {
    this.calls.push({ method: 'reopenCheckout', args: [] });
  }
  async cancelUpgrade() {
    this.calls.push({ method: 'cancelUpgrade', args: [] });
  }
  async openPaymentSettings() {
    this.calls.push({ method: 'openPaymentSettings', args: [] });
  }
  async dismissFlow() {
    this.calls.push({ method: 'dismissFlow', args: [] });
    this.setFlow({ step: 'idle' });
  }
  async refresh() {
    this.calls.push({ method: 'refresh', args: [] });
  }
  async cancelSubscription() {
    this.calls.push({ method: 'cancelSubscription', args: [] });
    this.setManage({ step: 'cancelling' });
    if (this.cancelOutcome) this.setManage(this.cancelOutcome);
  }
  async copyText(text: string) {
    this.calls.push({ method: 'copyText', args: [text] });
  }
  /** What importLicense() answers (the real core verifies the token; this only records the call). */
  importAnswer: LicenseImport = { ok: true };
  async importLicense(token: string) {
    this.calls.push({ method: 'importLicense', args: [token] });
    return this.importAnswer;
  }
  /** What releaseLicense() answers; `transfer` is what the state then shows (the real core stores the code). */
  releaseAnswer: LicenseImport = { ok: true };
  releasedTransfer: LicenseSnapshot['transfer'] = { code: '7K3M-Q9XD-2PWA', expiresAt: '2030-01-18T10:00:00.000Z' };
  async releaseLicense() {
    this.calls.push({ method: 'releaseLicense', args: [] });
    if (this.releaseAnswer.ok) this.setLicense({ ...FREE_LICENSE, anchor: this.state.license.anchor, transfer: this.releasedTransfer, reason: 'This computer was released.' });
    return this.releaseAnswer;
  }
  redeemAnswer: LicenseImport = { ok: true };
  async redeemTransferCode(code: string) {
    this.calls.push({ method: 'redeemTransferCode', args: [code] });
    return this.redeemAnswer;
  }
  onState(listener: (state: AppState) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private push(state: AppState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
