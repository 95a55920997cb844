// The providers this server sells through, by name (checkout.provider, license.provider, /v1/webhooks/:provider).
// One server sells through all of them at once; which one a purchase uses is the buyer's choice among those the
// plans file allows for the plan.
import type { PaymentProvider } from './port';

export class ProviderRegistry {
  private readonly byName = new Map<string, PaymentProvider>();

  constructor(providers: readonly PaymentProvider[]) {
    for (const provider of providers) {
      if (this.byName.has(provider.name)) throw new Error(`provider ${provider.name} registered twice`);
      this.byName.set(provider.name, provider);
    }
  }

  /** The provider, or undefined when this server has none by that name (not configured, or unknown). */
  find(name: string): PaymentProvider | undefined {
    return this.byName.get(name);
  }

  /** For records that name their provider (a checkout, a license): one this server no longer has is a
   *  configuration error, said in a sentence. */
  get(name: string): PaymentProvider {
    const provider = this.byName.get(name);
    if (!provider) throw new Error(`provider "${name}" is not configured on this server`);
    return provider;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  get all(): PaymentProvider[] {
    return [...this.byName.values()];
  }
}
