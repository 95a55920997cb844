// Genuine PayPal bodies (test/fixtures/paypal/paypal-real/, sources in its SOURCES.md), read byte for byte.
import { readFileSync } from 'node:fs';

const DIR = new URL('../fixtures/paypal/paypal-real/', import.meta.url);

export type VectorName =
  | 'R01-get-order-completed-sandbox-2021' | 'R04-get-subscription-cancelled-sandbox-2021' | 'R06-get-sale-sandbox-2014-php-sdk'
  | 'W01-order-approved-sandbox-2021' | 'W02-capture-completed-paypal-docs-apm-2021' | 'W07-capture-pending-zencart-2018'
  | 'W08-capture-denied-paypal-docs-apm-2021' | 'W10-capture-refunded-zencart-2018'
  | 'W12-sale-completed-subscription-sandbox-2023-09' | 'W16-sale-refunded-simulator-2024' | 'W20-sale-reversed-docs-sample-2014'
  | 'W21-subscription-activated-sandbox-2021' | 'W22-subscription-cancelled-sandbox-2021'
  | 'W25-subscription-payment-failed-simulator-2024' | 'W26-dispute-created-2018-docs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- PayPal's JSON, read field by field
export type VectorJson = any;

/** The file's exact text (what a delivery must carry) and its parsed JSON. */
export function vector(name: VectorName): { text: string; json: VectorJson } {
  const text = readFileSync(new URL(`${name}.json`, DIR), 'utf8');
  return { text, json: JSON.parse(text) };
}
