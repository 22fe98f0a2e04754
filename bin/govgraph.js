#!/usr/bin/env node
// The govgraph command. Sources are TypeScript run through tsx, so a plain clone needs no build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
