// The support console's built files (React + Vite, `npm run build:console`) at /support/, with a policy of its own:
// scripts, styles and API calls from this origin only, no framing, no forms posting anywhere. Missing a build, the
// page says how to make one instead of a bare 404.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { API_PATHS } from '../../../common/api';

/** Where `npm run build:console` writes the console (out/console at the repository's root). */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../out/console', import.meta.url));

export const CONSOLE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

export async function supportConsoleRoutes(app: FastifyInstance, consoleDir: string): Promise<void> {
  const prefix = API_PATHS.supportConsole;
  app.get(prefix.replace(/\/$/, ''), { schema: { hide: true } }, async (_req, reply) => reply.redirect(prefix, 301));
  await app.register(async (scoped) => {
    scoped.addHook('onSend', async (_req, reply, payload) => {
      reply.header('content-security-policy', CONSOLE_CSP);
      reply.header('cache-control', 'no-store');
      return payload;
    });
    if (!existsSync(path.join(consoleDir, 'index.html'))) {
      scoped.get(prefix, { schema: { hide: true } }, async (_req, reply) =>
        reply.status(503).type('text/plain; charset=utf-8').send('The support console has not been built. Run `npm run build:console` (npm start builds it), then reload.\n'));
      return;
    }
    await scoped.register(fastifyStatic, { root: consoleDir, prefix, index: ['index.html'], wildcard: true, schemaHide: true });
  });
}
