// src/server/executor.ts sends to graphql-js every document holding a string literal with graphql-jit's
// marker text (`__MAGIC_`): graphql-jit turns its marker strings, written into its generated code, back
// into values, one of them as `new Date(<the rest of the string>)`, which ran a department's JavaScript
// (test/attack-jit-divergence-harbin.test.ts). That guard holds only while every marker of the installed
// graphql-jit starts with that text: an upgrade renaming them fails here, not in production.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JIT_MARKER } from '../src/server/executor.ts';

const dist = dirname(createRequire(import.meta.url).resolve('graphql-jit'));

describe("graphql-jit's marker strings", () => {
  it('all start with the text the executor looks for', () => {
    const markers: string[] = [];
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
      const source = readFileSync(join(dist, file), 'utf8');
      // Every constant of the kind `const MAGIC_X = "..."`, and any string written into a `new Date(` replacement.
      for (const m of source.matchAll(/const\s+(\w*MAGIC\w*)\s*=\s*["'`]([^"'`]+)["'`]/g)) markers.push(m[2]);
    }
    expect(markers.length).toBeGreaterThan(0);
    for (const marker of markers) expect(marker.startsWith(JIT_MARKER), marker).toBe(true);
  });
});
