// The three Electron bundles (electron-vite): main (ESM, Node), preload (CommonJS, as sandboxed preloads
// must be; everything inlined) and the renderer (React). `rendererConfig` is also what the browser tests build.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type RendererViteConfig } from 'electron-vite';

const projectRoot = path.dirname(fileURLToPath(import.meta.url));
const fromRoot = (...parts: string[]) => path.resolve(projectRoot, ...parts);

export const OUT_DIRS = {
  main: fromRoot('out/main'),
  preload: fromRoot('out/preload'),
  renderer: fromRoot('out/renderer'),
} as const;

export const rendererConfig: RendererViteConfig = {
  root: fromRoot('renderer'),
  // Relative asset URLs work under the app:// protocol and any static server alike.
  base: './',
  plugins: [react()],
  build: {
    outDir: OUT_DIRS.renderer,
    emptyOutDir: true,
    rolldownOptions: { input: fromRoot('renderer/index.html') },
  },
};

export default defineConfig({
  main: {
    build: {
      outDir: OUT_DIRS.main,
      lib: { entry: fromRoot('main/electron/index.ts') },
    },
  },
  preload: {
    build: {
      outDir: OUT_DIRS.preload,
      // A sandboxed preload cannot require node_modules: bundle everything it uses.
      externalizeDeps: false,
      lib: { entry: fromRoot('preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
    },
  },
  renderer: rendererConfig,
});
