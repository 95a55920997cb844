/** How the server reaches PayPal (or the local sandbox standing in for it). */
export interface PayPalConnection {
  apiBase: string;
  clientId: string;
  clientSecret: string;
  /** The webhook listener's id at PayPal; or, for the embedded sandbox of development mode, how to register
   *  this server's webhook URL, known only once it listens, and learn the id. */
  webhook: { id: string } | { register: (webhookUrl: string) => Promise<string> };
  sandboxOrigin: string | null;
  trustedCaPem: string | null;
  /** offline: check signatures here; api: ask PayPal's verify-webhook-signature API. */
  verify?: 'offline' | 'api';
}
