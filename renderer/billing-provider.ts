// Who bills this computer's license, as the UI names it: the provider id the license carries, named by the
// plans' catalog (GET /v1/plans), and whether the app has a page where the buyer changes the payment method.
import type { AppState } from '../common/app-state';

export interface BillingProvider {
  id: string;
  /** As the buyer reads it ("PayPal", "Paystack"); null while the catalog is not known yet (offline since start). */
  name: string | null;
  /** The app can open this provider's payment-method page (AppState.paymentPages). */
  hasPaymentPage: boolean;
}

export function billingProvider(app: AppState | null): BillingProvider | null {
  const id = app?.license.entitlement?.details?.provider;
  if (!app || !id) return null;
  const name = app.catalog?.providers.find((p) => p.id === id)?.name ?? null;
  return { id, name, hasPaymentPage: app.paymentPages.includes(id) };
}

/** "PayPal", or — not known — a phrase that still reads: "your payment provider". */
export function providerPhrase(provider: { name: string | null } | null): string {
  return provider?.name ? provider.name : 'your payment provider';
}
