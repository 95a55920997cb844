// Answers the stand-ins' hosted pages give (PayPal's approval page, Paystack's checkout): a short notice page,
// any page uncached, and the merchant's return URL with the provider's parameters added.
import type { FastifyReply } from 'fastify';
import { escapeHtml } from './hosted-page';

export function sendNotice(reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></main></body></html>`;
  return sendHtml(reply, status, html);
}

export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

/** The merchant's URL with the provider's parameters added, keeping any query it already has. */
export function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  return target.toString();
}
