#!/usr/bin/env -S node --max-semi-space-size=64
// Entry point: loads the TypeScript sources through tsx (no separate build step to go stale).
// The larger young generation (shebang) makes scavenges rarer: each one pauses every stream's
// timestamps by 1-3 ms on small VMs (design notes).
import { register } from 'tsx/esm/api';

register();
await import('../harness/cli/main.ts');
