// The support console (support-console/, React) built into out/console, which the companion server serves at
// /support/. Relative asset URLs, so it works under any public path prefix. `npm run build:console`, npm start
// and the console's browser tests build with this config.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { InlineConfig } from 'vite';

const projectRoot = path.dirname(fileURLToPath(import.meta.url));

export const CONSOLE_OUT_DIR = path.resolve(projectRoot, 'out/console');

export const consoleViteConfig: InlineConfig = {
  configFile: false,
  root: path.resolve(projectRoot, 'support-console'),
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: { outDir: CONSOLE_OUT_DIR, emptyOutDir: true },
};

export default consoleViteConfig;
