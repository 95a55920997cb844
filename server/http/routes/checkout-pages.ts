// The checkout's return and cancel URLs: the buyer's browser lands here from the provider's page. The page captures (or
// cancels) too — a third road to the same state — and tells the buyer to go back to the app. The app's
// checkout window closes as it navigates here, so usually no one reads it; a browser-only buyer does.
import type { FastifyInstance } from 'fastify';
import type { CheckoutService } from '../../checkouts/service';
import { ApiError } from '../api-error';

const page = (title: string, message: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}</style></head>
<body><main><h1>${title}</h1><p>${message}</p></main></body></html>`;

const MESSAGES: Record<string, [string, string]> = {
  completed: ['Payment received', 'Thank you. Go back to the app: Enterprise is active there.'],
  approved: ['Payment approved', 'Go back to the app; it will confirm the payment in a moment.'],
  pending: ['Payment being confirmed', 'Go back to the app; it will show Enterprise as soon as the payment is confirmed.'],
  failed: ['Payment not completed', 'The payment was not completed. Go back to the app to try again.'],
  cancelled: ['Checkout cancelled', 'Nothing was charged. You can close this page and go back to the app.'],
  expired: ['Checkout expired', 'This checkout timed out. Go back to the app to start again.'],
};

export function checkoutPageRoutes(app: FastifyInstance, service: CheckoutService): void {
  const render = (status: string) => {
    const [title, message] = MESSAGES[status] ?? MESSAGES.pending!;
    return page(title, message);
  };
  const failurePage = (error: unknown) => {
    if (error instanceof ApiError && error.status < 500) return { status: error.status, html: page('Link not recognised', 'This page does not belong to a checkout. Go back to the app.') };
    return { status: 503, html: page('Almost there', 'We could not confirm the payment yet. Go back to the app; it keeps checking.') };
  };

  type PageQuery = { Querystring: { checkout?: string; token?: string; subscription_id?: string; reference?: string } };
  const pageRoute = (path: string, operationId: string, summary: string, act: (checkoutId: string, providerRef: string | undefined) => Promise<{ status: string }>) =>
    app.get<PageQuery>(path, { schema: { operationId, summary, tags: ['buyer'], description: 'An HTML page for the buyer\'s browser, not JSON.' } }, async (req, reply) => {
      reply.type('text/html; charset=utf-8');
      try {
        // PayPal: subscriptions come back with subscription_id (token is then PayPal's billing token), orders with
        // token. Paystack's callback carries the transaction's reference.
        const checkout = await act(req.query.checkout ?? '', req.query.subscription_id ?? req.query.token ?? req.query.reference);
        return render(checkout.status);
      } catch (error) {
        const failed = failurePage(error);
        reply.status(failed.status);
        return failed.html;
      }
    });
  pageRoute('/checkout/return', 'checkoutReturnPage', 'The provider sends the buyer\'s browser back here: settles and says to go back to the app', (id, ref) => service.returnPage(id, ref));
  pageRoute('/checkout/cancel', 'checkoutCancelPage', 'The provider sends the buyer\'s browser here on Cancel', (id, ref) => service.cancelPage(id, ref));
}
