// Serves the built renderer on loopback through main's own app:// handler (same files, same CSP and headers),
// so the browser tests load exactly what the Electron window would.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_URL_PREFIX } from '../../main/electron/app-origin';
import { appProtocolHandler } from '../../main/electron/protocol';

export interface StaticServer {
  /** http://127.0.0.1:<port>/ */
  origin: string;
  /** The app:// URL this server stands in for, for an http URL it served (null for any other URL). */
  appUrlFor(url: string): string | null;
  close(): Promise<void>;
}

export async function serveRenderer(rootDir: string): Promise<StaticServer> {
  const handler = appProtocolHandler(rootDir);
  const server = http.createServer((req, res) => {
    handler(new Request(`${APP_URL_PREFIX}${(req.url ?? '/').replace(/^\/+/, '')}`, { method: req.method }))
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    origin,
    appUrlFor: (url) => (url.startsWith(origin) ? `${APP_URL_PREFIX}${url.slice(origin.length)}` : null),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
