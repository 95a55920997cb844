// Values that make a demo run out of the box. Each is fine on a developer's machine and wrong in front of
// buyers, so the production checks (server and packaged app) refuse every one of them by these names.

/** Shown on PayPal's pages when HARDBOUND_BRAND_NAME is not set. */
export const DEMO_BRAND_NAME = 'Hardbound Demo Vendor';

/** The anchor's HMAC key of a development app; a vendor's own salt keeps its anchors apart from every other app's. */
export const DEMO_APP_SALT = 'hardbound-demo-app-v1';

/** The local PayPal sandbox's default API credentials. */
export const SANDBOX_DEMO_CLIENT_ID = 'hardbound-sandbox-client';
export const SANDBOX_DEMO_CLIENT_SECRET = 'hardbound-sandbox-secret';

/** The local Paystack stand-in's default keys (shaped like Paystack test keys); a production Paystack setup
 *  must refuse them as it refuses the PayPal sandbox's credentials. */
export const SANDBOX_DEMO_PAYSTACK_SECRET_KEY = 'sk_test_5a9d4c0f7e1b2a3c8d6e0f1a2b3c4d5e6f708192';
export const SANDBOX_DEMO_PAYSTACK_PUBLIC_KEY = 'pk_test_0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192';
