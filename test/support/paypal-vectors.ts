// Genuine PayPal data kept in the repository (test/fixtures/paypal/, sources in its README): bodies, headers
// and certificates no one on this project produced, so a check against them cannot share a mistake with the
// sandbox, which both signs and is verified by our own code.
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../fixtures/paypal');

/** A file (or folder) under test/fixtures/paypal/, e.g. paypalVector('paypal-java-sdk-2019', 'body.json'). */
export function paypalVector(...segments: string[]): string {
  return path.join(ROOT, ...segments);
}
