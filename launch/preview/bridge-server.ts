// The browser preview: the built renderer on a loopback port, with window.hardbound bridged over HTTP to
// the real core. Same IPC contract and argument checks as main/electron/ipc.ts; where Electron checks the
// sender frame, this checks that requests come from the preview's own page (Host and Origin), so another
// site open in the same browser cannot drive the core. The page's side is client/bridge-client.ts.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppState } from '../../common/app-state';
import { isIpcChannel, type HardboundApi } from '../../common/ipc';
import { checkChannelArguments, handlersFromApi } from '../../main/electron/ipc';
import { contentTypeOf, resolveRendererPath } from '../../main/electron/protocol';
import { MAIN_CSP } from '../../main/electron/security-policy';
import { BRIDGE_PATHS, type BridgeAnswer, type TabEvent } from './bridge-protocol';
import type { CheckoutTabs } from './checkout-tabs';
import { buildBridgeClient } from './client-bundle';

export interface PreviewOptions {
  /** The renderer build (out/renderer). */
  rendererDir: string;
  api: HardboundApi;
  tabs: CheckoutTabs;
  host?: string;
  port?: number;
  /** Comment lines keep idle event streams open through proxies and browser timeouts. */
  heartbeatMs?: number;
  /** The bundled page script (buildBridgeClient()); built here when not given. */
  clientScript?: string;
}

export interface RunningPreview {
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

type BridgeErrorCode =
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'invalid_json'
  | 'unknown_channel'
  | 'invalid_arguments'
  | 'core_error';

class BridgeError extends Error {
  constructor(readonly status: number, readonly code: BridgeErrorCode, message: string) {
    super(message);
  }
}

export async function startPreview(options: PreviewOptions): Promise<RunningPreview> {
  const handlers = handlersFromApi(options.api);
  const clientScript = options.clientScript ?? (await buildBridgeClient());
  const streams = new Set<ServerResponse>();
  let port = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const failure = error instanceof BridgeError ? error : new BridgeError(500, 'core_error', error instanceof Error ? error.message : String(error));
      const answer: BridgeAnswer = { ok: false, error: { code: failure.code, message: failure.message } };
      if (!res.headersSent) sendJson(res, failure.status, answer);
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a foreign name resolving to 127.0.0.1 still carries its own Host header.
    if (!LOOPBACK_NAMES.some((name) => req.headers.host === `${name}:${port}`)) throw new BridgeError(403, 'forbidden', 'unknown Host');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname === BRIDGE_PATHS.invoke) return invoke(req, res);
    if (url.pathname === BRIDGE_PATHS.events) return openStream(req, res);
    if (url.pathname === BRIDGE_PATHS.tabClosed) return tabClosed(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new BridgeError(405, 'method_not_allowed', `${req.method} is not served`);
    if (url.pathname === BRIDGE_PATHS.client) return sendFile(res, 'text/javascript; charset=utf-8', clientScript);
    return serveRenderer(res, url.pathname);
  }

  async function invoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonPost(req);
    const { channel, args } = (body ?? {}) as { channel?: unknown; args?: unknown };
    if (!isIpcChannel(channel)) throw new BridgeError(404, 'unknown_channel', `no channel ${String(channel)}`);
    const list = Array.isArray(args) ? args : [];
    if (!Array.isArray(args) || !checkChannelArguments(channel, list)) throw new BridgeError(400, 'invalid_arguments', `${channel} was called with arguments the contract does not allow`);
    const handler = handlers[channel] as (...a: unknown[]) => Promise<unknown>;
    const result = await handler(...list);
    const answer: BridgeAnswer = { ok: true, result: result ?? null };
    sendJson(res, 200, answer);
  }

  async function tabClosed(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { id } = ((await readJsonPost(req)) ?? {}) as { id?: unknown };
    if (typeof id !== 'string' || id.length > 64) throw new BridgeError(400, 'invalid_arguments', 'id must be a tab id');
    options.tabs.closedInBrowser(id);
    sendJson(res, 200, { ok: true, result: null } satisfies BridgeAnswer);
  }

  async function openStream(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET') throw new BridgeError(405, 'method_not_allowed', 'events are read with GET');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    streams.add(res);
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const unsubscribeState = options.api.onState((state: AppState) => send('state', state));
    const unsubscribeTabs = options.tabs.onEvent((event: TabEvent) => send(event.kind, event));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribeState();
      unsubscribeTabs();
      streams.delete(res);
    });
    send('state', await options.api.getState());
  }

  async function serveRenderer(res: ServerResponse, pathname: string): Promise<void> {
    const resolved = resolveRendererPath(options.rendererDir, pathname);
    if (!resolved.ok) throw new BridgeError(resolved.status, resolved.status === 404 ? 'not_found' : 'forbidden', 'not served');
    const content = await readFile(resolved.file).catch(() => {
      throw new BridgeError(404, 'not_found', 'not served');
    });
    const type = contentTypeOf(resolved.file)!;
    sendFile(res, type, type.startsWith('text/html') ? injectBridge(content.toString('utf8')) : content);
  }

  /** Only JSON from the preview's own page: a cross-site form or no-cors fetch cannot send this content type. */
  async function readJsonPost(req: IncomingMessage): Promise<unknown> {
    if (req.method !== 'POST') throw new BridgeError(405, 'method_not_allowed', 'use POST');
    if (req.headers.origin !== `http://${req.headers.host}`) throw new BridgeError(403, 'forbidden', 'requests must come from the preview page');
    if (!req.headers['content-type']?.startsWith('application/json')) throw new BridgeError(415, 'unsupported_media_type', 'send application/json');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw new BridgeError(413, 'payload_too_large', 'request body too large');
      chunks.push(chunk);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new BridgeError(400, 'invalid_json', 'the body is not JSON');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  port = address.port;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${port}/`,
    close: async () => {
      for (const stream of streams) stream.end();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The bridge script runs before the app's own module script, so window.hardbound exists when the app starts. */
export function injectBridge(html: string): string {
  const tag = `<script src="${BRIDGE_PATHS.client}"></script>`;
  return html.includes('</head>') ? html.replace('</head>', `  ${tag}\n  </head>`) : `${tag}\n${html}`;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(JSON.stringify(body));
}

function sendFile(res: ServerResponse, type: string, body: Buffer | string): void {
  res.writeHead(200, { 'content-type': type, 'content-security-policy': MAIN_CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(body);
}
