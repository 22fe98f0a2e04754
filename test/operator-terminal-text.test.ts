// What a command prints of a document's text on the operator's terminal (src/cli/terminal.ts): found (h200),
// a platform file or catalogue whose text held an ESC sequence beside a hidden character was refused with
// the text quoted as it was, U+202E escaped but ESC[2J raw, so the refusal itself cleared the screen. On an
// Ordos platform of its own (test/fixtures/ordos-ops).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { runGovgraph } from './helpers/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/ordos-ops/${name}`, import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'govgraph-terminal-text-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('a platform file whose connected platform is named with ESC[2J and U+202E is refused with both shown as escapes', async () => {
  const file = join(work, 'platform.yaml');
  const banner = '  - { region: "150627", name: "Ejin Horo\\e[2J\\u202eBanner", url: "http://127.0.0.1:7271/graphql", namespace: ejinHoro }';
  writeFileSync(file, readFileSync(fixture('platform.yaml'), 'utf8').replace('connected: []', `connected:\n${banner}`));
  for (const args of [['platform', 'validate'], ['catalogue', 'validate', fixture('wells.yaml')]]) {
    const r = await runGovgraph([...args, '--platform', file, '--data', join(work, 'none')]);
    const out = r.stdout + r.stderr;
    expect(r.code, args.join(' ')).toBe(1);
    expect(out).toContain('connected[0].name: "Ejin Horo\\u001b[2J\\u202eBanner" holds \\u202e (character 14)');
    expect(out).not.toMatch(/[\u001b\u202e]/);
  }
}, 60_000);
