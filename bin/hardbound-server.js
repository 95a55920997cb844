#!/usr/bin/env node
// Runs the TypeScript entry point through tsx, so the repository needs no build step to serve.
import { register } from 'tsx/esm/api';

register();
await import('../launch/hardbound-server.ts');
