// Helpers for the webhook tests: a loopback "tap" that records genuine sandbox deliveries, re-pointing the
// server's sandbox listener at it, replaying deliveries at the server, dumping every table of the SQLite file,
// and forging a body with a given CRC32.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import { API_PATHS } from '../../common/api';
import type { Harness } from './harness';

/** A delivery as it reached a listener: the headers the sandbox signed with and the exact body bytes. */
export interface RecordedDelivery {
  headers: Record<string, string>;
  body: Buffer;
  /** What the tap answered the sandbox. */
  status: number;
  /** What the server answered the tap, when forwarded. */
  upstream?: number;
}

export interface Tap {
  url: string;
  deliveries: RecordedDelivery[];
  close(): Promise<void>;
}

const SIGNED_HEADERS = ['paypal-transmission-id', 'paypal-transmission-time', 'paypal-transmission-sig', 'paypal-auth-algo', 'paypal-cert-url'];

/** Only the headers a webhook receiver reads; hop-by-hop ones stay behind. */
function deliveryHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of [...SIGNED_HEADERS, 'content-type']) {
    const value = raw[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/**
 * A listener on 127.0.0.1 that records every delivery. With `forwardTo` it passes each one on unchanged and
 * answers what the target answered, unless `answer` overrides the status (to act out a lost acknowledgement);
 * without it, it answers 200 and the server never sees the delivery.
 */
export async function startTap(options: { forwardTo?: string; answer?: (delivery: RecordedDelivery) => number } = {}): Promise<Tap> {
  const deliveries: RecordedDelivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedDelivery = { headers: deliveryHeaders(req.headers), body: Buffer.concat(chunks), status: 200 };
      deliveries.push(recorded);
      const upstream = options.forwardTo === undefined
        ? Promise.resolve(200)
        : fetch(options.forwardTo, { method: 'POST', headers: recorded.headers, body: recorded.body }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });
      upstream.then(
        (status) => {
          if (options.forwardTo !== undefined) recorded.upstream = status;
          recorded.status = options.answer ? options.answer(recorded) : status;
          res.writeHead(recorded.status).end();
        },
        () => {
          recorded.status = 502;
          res.writeHead(502).end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tap`,
    deliveries,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const webhookUrl = (h: Harness): string => `${h.server.publicUrl}${API_PATHS.paypalWebhook}`;

export async function sandboxToken(h: Harness): Promise<string> {
  const { clientId, clientSecret } = h.sandbox.credentials;
  const res = await fetch(`${h.sandbox.baseUrl}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`sandbox token: ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Re-points the server's own sandbox listener (same webhook id, so deliveries stay signed for the server). */
export async function pointServerListener(h: Harness, url: string): Promise<void> {
  const res = await fetch(`${h.sandbox.baseUrl}/v1/notifications/webhooks/${h.server.webhookId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${await sandboxToken(h)}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ op: 'replace', path: '/url', value: url }]),
  });
  if (res.status !== 200) throw new Error(`re-point listener: ${res.status} ${await res.text()}`);
}

/** Runs `body` with the server's listener pointed at a fresh tap; restores the listener and closes the tap. */
export async function withTap<T>(h: Harness, options: { forward: boolean; answer?: (delivery: RecordedDelivery) => number }, body: (tap: Tap) => Promise<T>): Promise<T> {
  const tap = await startTap({ ...(options.forward ? { forwardTo: webhookUrl(h) } : {}), ...(options.answer ? { answer: options.answer } : {}) });
  await pointServerListener(h, tap.url);
  try {
    return await body(tap);
  } finally {
    await h.sandbox.control.settle(10_000).catch(() => undefined);
    await pointServerListener(h, webhookUrl(h));
    await tap.close();
  }
}

/** Has the sandbox sign `body` for the server's webhook id, without the server seeing it; returns the delivery. */
export async function signedDelivery(h: Harness, body: string | object): Promise<RecordedDelivery> {
  return withTap(h, { forward: false }, async (tap) => {
    const event = h.sandbox.control.deliverEvent(body, { webhookIds: [h.server.webhookId] });
    await h.sandbox.control.settle(10_000);
    const delivery = tap.deliveries.find((d) => d.body.equals(Buffer.from(event.body, 'utf8')));
    if (!delivery) throw new Error('the sandbox delivery did not reach the tap');
    return delivery;
  });
}

export interface WebhookAnswer {
  status: number;
  text: string;
  json: unknown;
}

/** POSTs raw bytes with exactly the given headers to the server's webhook route. */
export async function postWebhook(h: Harness, headers: Record<string, string>, body: Buffer | string): Promise<WebhookAnswer> {
  const res = await fetch(`${h.server.url}${API_PATHS.paypalWebhook}`, { method: 'POST', headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

export const replay = (h: Harness, delivery: Pick<RecordedDelivery, 'headers' | 'body'>): Promise<WebhookAnswer> =>
  postWebhook(h, delivery.headers, delivery.body);

/** Node, V8 and fastify stack-frame shapes: none may reach a client. */
export const STACK_TRACE = /\n\s+at\s|\bat\s+\S+\s+\([^)]*:\d+:\d+\)|node_modules|\.ts:\d+|"stack"/;

export function webhookCount(h: Harness, outcome: string): number {
  return h.server.metrics.get('hardbound_webhooks_total', { provider: 'paypal', outcome });
}

export const sqliteFile = (h: Harness): string => {
  const url = h.config.databaseUrl;
  if (!url.startsWith('sqlite:')) throw new Error('these tests read the SQLite file');
  return url.slice('sqlite:'.length);
};

export type TableDump = Record<string, Record<string, unknown>[]>;

/** Every row of every table, read through a connection of its own, not the server's code. */
export function dumpTables(h: Harness): TableDump {
  const db = new Database(sqliteFile(h), { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all() as { name: string }[];
    const dump: TableDump = {};
    for (const { name } of tables) {
      dump[name] = db.prepare(`select * from "${name.replaceAll('"', '""')}" order by rowid`).all() as Record<string, unknown>[];
    }
    return dump;
  } finally {
    db.close();
  }
}

/** The database file and its write-ahead log as text, freed pages included. */
export function rawDatabaseText(h: Harness): string {
  const file = sqliteFile(h);
  const read = (path: string): string => {
    try {
      return readFileSync(path).toString('latin1');
    } catch {
      return '';
    }
  };
  return read(file) + read(`${file}-wal`);
}

/**
 * `body` with `length` bytes from `offset` replaced by characters from '@'..'O' chosen so that its CRC32 is
 * `wanted`. CRC32 is affine over GF(2): flipping input bit i xors a fixed 32-bit delta into the checksum, so the
 * flips needed solve a 32-row linear system; 4 free bits per byte keep the patch printable and inside a JSON
 * string. Twelve bytes give 48 unknowns, far more than a full-rank system needs.
 */
export function forgeCrc32(body: Buffer, wanted: number, offset: number, length = 12): Buffer {
  const out = Buffer.from(body);
  out.fill(0x40, offset, offset + length);
  const base = crc32(out);
  const basis = new Map<number, { vector: number; flips: bigint }>();
  for (let i = 0; i < length * 4; i++) {
    const at = offset + Math.floor(i / 4);
    const bit = 1 << i % 4;
    out[at]! ^= bit;
    let vector = (crc32(out) ^ base) >>> 0;
    out[at]! ^= bit;
    let flips = 1n << BigInt(i);
    for (let top = 31; top >= 0 && vector !== 0; top--) {
      if (((vector >>> top) & 1) === 0) continue;
      const row = basis.get(top);
      if (!row) {
        basis.set(top, { vector, flips });
        break;
      }
      vector = (vector ^ row.vector) >>> 0;
      flips ^= row.flips;
    }
  }
  let rest = (wanted ^ base) >>> 0;
  let flips = 0n;
  for (let top = 31; top >= 0; top--) {
    if (((rest >>> top) & 1) === 0) continue;
    const row = basis.get(top);
    if (!row) throw new Error('the free bits do not span CRC32; use a longer patch');
    rest = (rest ^ row.vector) >>> 0;
    flips ^= row.flips;
  }
  for (let i = 0; i < length * 4; i++) {
    if ((flips >> BigInt(i)) & 1n) out[offset + Math.floor(i / 4)]! ^= 1 << i % 4;
  }
  return out;
}

/** A deterministic PRNG (mulberry32) so a failing fuzz case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
