#!/usr/bin/env node
// Entry point: loads the TypeScript sources through tsx (no separate build step to go stale).
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
