// Every provider this server can sell through: one line each. A provider folder exports a ProviderModule
// (context.ts); it builds its provider when the configuration sets it up and stays out otherwise.
import type { ProviderModule } from './context';
import { paypalModule } from './paypal';
import { paystackModule } from './paystack';

export const PROVIDER_MODULES: readonly ProviderModule[] = [
  paypalModule,
  paystackModule,
];
