// What a provider module is given to build its provider, and what it hands back (available.ts lists them).
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import type { ServerConfig } from '../config/env';
import type { Metrics } from '../observability/metrics';
import type { PayPalConnection } from './paypal/connection';
import type { OurRecords, PaymentProvider } from './port';

/** How the server reaches each provider, where that is decided outside the configuration (launch/, tests). */
export interface ProviderRuntime {
  paypal: PayPalConnection;
  paypalTimeoutMs?: number;
  /** Deadline of each Paystack API call. */
  paystackTimeoutMs?: number;
}

export interface ProviderContext {
  config: ServerConfig;
  runtime: ProviderRuntime;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  /** Our records as this provider's webhook resolver reads them (its own references and checkouts only). */
  records(provider: string): OurRecords;
}

export interface ProviderHandle {
  provider: PaymentProvider;
  /** Runs once the server listens and knows its public URL (a webhook listener registered then, say). */
  afterListen?(publicUrl: string): Promise<void>;
  close?(): Promise<void>;
  /** The id the provider knows this server's webhook listener by, where it has one (PayPal's). */
  webhookId?(): string;
}

/** One provider folder's entry point: builds its provider, or null when the configuration does not set it up. */
export interface ProviderModule {
  name: string;
  create(context: ProviderContext): ProviderHandle | null;
}
