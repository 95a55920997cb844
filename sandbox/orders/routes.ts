// PayPal's Orders v2 (/v2/checkout/orders) and Payments v2 (/v2/payments) endpoints.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jsonBody, paypalRequestId, wantsRepresentation } from '../http';
import { RequestIdReplays } from '../replays';
import { captureOrder } from './capture';
import { createOrder, optionalString, parseAmount } from './create-order';
import type { OrdersDeps } from './deps';
import { lookUp } from './order-errors';
import { refundCapture, type RefundRequest } from './refunds';

type IdParams = { Params: { id: string } };

const MAX_NOTE_LENGTH = 255;
const MAX_INVOICE_ID_LENGTH = 127;

export function registerOrderRoutes(app: FastifyInstance, deps: OrdersDeps): void {
  const { ctx, render } = deps;
  // A repeat gets the body first answered, even if the resource has moved on since.
  const replays = new RequestIdReplays<unknown>();

  app.post('/v2/checkout/orders', async (req, reply) => {
    const { answer, replayed } = replays.once('create order', paypalRequestId(req), () => {
      const order = createOrder(ctx, jsonBody(req));
      ctx.state.orders.set(order.id, order);
      return render.order(order, preferredView(req));
    });
    return reply.status(replayed ? 200 : 201).send(answer);
  });

  app.get<IdParams>('/v2/checkout/orders/:id', async (req) =>
    render.order(lookUp(ctx.state.orders, 'order_id', req.params.id), 'full'),
  );

  app.post<IdParams>('/v2/checkout/orders/:id/capture', async (req, reply) => {
    const order = lookUp(ctx.state.orders, 'order_id', req.params.id);
    const { answer, replayed } = replays.once(`capture ${order.id}`, paypalRequestId(req), () =>
      captureOrder(deps, order, preferredView(req)),
    );
    return reply.status(replayed ? 200 : 201).send(answer);
  });

  app.get<IdParams>('/v2/payments/captures/:id', async (req) =>
    render.capture(lookUp(ctx.state.captures, 'capture_id', req.params.id), 'api'),
  );

  app.post<IdParams>('/v2/payments/captures/:id/refund', async (req, reply) => {
    const capture = lookUp(ctx.state.captures, 'capture_id', req.params.id);
    const { answer, replayed } = replays.once(`refund ${capture.id}`, paypalRequestId(req), () =>
      render.refund(refundCapture(deps, capture.id, refundRequest(req)), preferredView(req)),
    );
    return reply.status(replayed ? 200 : 201).send(answer);
  });

  app.get<IdParams>('/v2/payments/refunds/:id', async (req) =>
    render.refund(lookUp(ctx.state.refunds, 'refund_id', req.params.id), 'full'),
  );
}

/** The refund body is optional: without one PayPal refunds what is left of the capture. */
function refundRequest(req: FastifyRequest): RefundRequest {
  if (req.body === undefined) return {};
  const body = jsonBody(req);
  const request: RefundRequest = {};
  if (body.amount !== undefined) request.amount = parseAmount(body.amount, '/amount', 'payments');
  const invoiceId = optionalString(body.invoice_id, '/invoice_id', MAX_INVOICE_ID_LENGTH);
  const noteToPayer = optionalString(body.note_to_payer, '/note_to_payer', MAX_NOTE_LENGTH);
  if (invoiceId !== undefined) request.invoiceId = invoiceId;
  if (noteToPayer !== undefined) request.noteToPayer = noteToPayer;
  return request;
}

function preferredView(req: FastifyRequest): 'minimal' | 'full' {
  return wantsRepresentation(req) ? 'full' : 'minimal';
}
