// Serves the built renderer over app://hardbound/ (registered by index.ts with protocol.handle). Plain
// fetch-API Request → Response, so it runs and is tested in Node as it is.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin';
import { MAIN_CSP } from './security-policy';

/**
 * Registered before 'ready'. standard: real origin and relative URLs; secure: a secure context like https.
 * Nothing more: no CORS, fetch or service-worker privileges the app does not use.
 */
export const PRIVILEGED_SCHEMES = [{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }];

const CONTENT_TYPES: Partial<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

export type RendererFile = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404 };

/** app://hardbound/<path> → a file of the renderer build in `rootDir`, or why not. */
export function resolveAppPath(rootDir: string, requestUrl: string): RendererFile {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 404 };
  return resolveRendererPath(rootDir, url.pathname);
}

/**
 * A URL path (still percent-encoded) → a file inside `rootDir`. Anything that would resolve outside the
 * root (an encoded slash smuggling `..` past the URL parser) is refused, as are types we do not serve.
 * Shared with the browser preview's static server.
 */
export function resolveRendererPath(rootDir: string, encodedPath: string): RendererFile {
  let relative: string;
  try {
    relative = decodeURIComponent(encodedPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (relative.includes('\0') || relative.includes('\\')) return { ok: false, status: 400 };
  if (relative === '/' || relative === '') relative = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${relative}`);
  if (!file.startsWith(root + path.sep)) return { ok: false, status: 403 };
  if (!contentTypeOf(file)) return { ok: false, status: 404 };
  return { ok: true, file };
}

export function contentTypeOf(file: string): string | null {
  return CONTENT_TYPES[path.extname(file)] ?? null;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': MAIN_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

export function appProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405);
    const resolved = resolveAppPath(rootDir, request.url);
    if (!resolved.ok) return problem(resolved.status);
    let body: Buffer;
    try {
      body = await readFile(resolved.file);
    } catch {
      return problem(404);
    }
    const headers = { ...SECURITY_HEADERS, 'Content-Type': contentTypeOf(resolved.file)! };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}

function problem(status: number): Response {
  return new Response(null, { status, headers: SECURITY_HEADERS });
}
