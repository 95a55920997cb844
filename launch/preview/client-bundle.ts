// Bundles client/bridge-client.ts (with the IPC contract it derives from) into the one script the preview
// serves: typed TypeScript at the source, plain browser JavaScript on the wire, built when the preview starts.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client', 'bridge-client.ts');

export async function buildBridgeClient(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      target: 'es2020',
      lib: { entry, formats: ['iife'], name: 'hardboundPreviewBridge' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs[0]?.output.find((o) => o.type === 'chunk');
  if (!chunk) throw new Error('the preview bridge bundle has no script');
  return chunk.code;
}
