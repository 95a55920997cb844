// The worker thread's entry: the same tsx loader as bin/hardbound-server.js, then the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./signature-worker.ts');
