// PayPal's Orders v2 (/v2/checkout/orders) and Payments v2 (/v2/payments) endpoints.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jsonBody } from '../http';
import { captureOrder } from './capture';
import { createOrder, optionalString, parseAmount } from './create-order';
import type { OrdersDeps } from './deps';
import { lookUp } from './order-errors';
import { refundCapture, type RefundRequest } from './refunds';

type IdParams = { Params: { id: string } };

const MAX_NOTE_LENGTH = 255;
const MAX_INVOICE_ID_LENGTH = 127;

export function registerOrderRoutes(app: FastifyInstance, deps: OrdersDeps): void {
  const { ctx, memory, render } = deps;

  app.post('/v2/checkout/orders', async (req, reply) => {
    const requestId = paypalRequestId(req);
    const replay = requestId === undefined ? undefined : memory.createReplies.get(requestId);
    if (replay !== undefined) return reply.status(200).send(replay);
    const order = createOrder(ctx, jsonBody(req));
    ctx.state.orders.set(order.id, order);
    const body = render.order(order, preferredView(req));
    if (requestId !== undefined) memory.createReplies.set(requestId, body);
    return reply.status(201).send(body);
  });

  app.get<IdParams>('/v2/checkout/orders/:id', async (req) =>
    render.order(lookUp(ctx.state.orders, 'order_id', req.params.id), 'full'),
  );

  app.post<IdParams>('/v2/checkout/orders/:id/capture', async (req, reply) => {
    const { statusCode, body } = captureOrder(deps, req.params.id, paypalRequestId(req), preferredView(req));
    return reply.status(statusCode).send(body);
  });

  app.get<IdParams>('/v2/payments/captures/:id', async (req) =>
    render.capture(lookUp(ctx.state.captures, 'capture_id', req.params.id)),
  );

  app.post<IdParams>('/v2/payments/captures/:id/refund', async (req, reply) => {
    lookUp(ctx.state.captures, 'capture_id', req.params.id);
    const requestId = paypalRequestId(req);
    const replayKey = `${req.params.id} ${requestId ?? ''}`;
    const replay = requestId === undefined ? undefined : memory.refundReplies.get(replayKey);
    if (replay !== undefined) return reply.status(200).send(replay);
    const refund = refundCapture(deps, req.params.id, refundRequest(req));
    const body = render.refund(refund, preferredView(req));
    if (requestId !== undefined) memory.refundReplies.set(replayKey, body);
    return reply.status(201).send(body);
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
  if (body.amount !== undefined) request.amount = parseAmount(body.amount, '/amount');
  const invoiceId = optionalString(body.invoice_id, '/invoice_id', MAX_INVOICE_ID_LENGTH);
  const noteToPayer = optionalString(body.note_to_payer, '/note_to_payer', MAX_NOTE_LENGTH);
  if (invoiceId !== undefined) request.invoiceId = invoiceId;
  if (noteToPayer !== undefined) request.noteToPayer = noteToPayer;
  return request;
}

function paypalRequestId(req: FastifyRequest): string | undefined {
  const value = req.headers['paypal-request-id'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** PayPal answers with the full resource only when asked (`Prefer: return=representation`). */
function preferredView(req: FastifyRequest): 'minimal' | 'full' {
  const prefer = req.headers.prefer;
  return typeof prefer === 'string' && /(^|[,;\s])return=representation\b/i.test(prefer) ? 'full' : 'minimal';
}
