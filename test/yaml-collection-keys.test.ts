// A YAML key that is a list or a mapping (`? [a, b]`, `? {a: 1}`, an alias of one) in a catalogue or the
// platform file (test/fixtures/taiyuan-sweep, Taiyuan 140100). The yaml library made it the key "[ a, b ]"
// and printed a Node.js warning of its own (`(node:…) Warning: Keys with collection values will be
// stringified…`, `Use node --trace-warnings`) on the command's stderr: refused at its line now, as a
// problem the compiler can act on, and nothing else is printed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGovgraph, storeOfCase } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/taiyuan-sweep/${p}`, import.meta.url));
const PROBLEM = 'a key that is a list or a mapping; a key is a name, such as title';

let dir: string;
/** `fixture`'s text with `extra` put after its line that starts with `after`, in a file of its own. */
function withLines(name: string, fixtureFile: string, after: string, extra: string): string {
  const lines = readFileSync(fixture(fixtureFile), 'utf8').split('\n');
  const at = lines.findIndex((l) => l.startsWith(after));
  lines.splice(at + 1, 0, extra);
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n'));
  return file;
}
/** The 1-based line of `file` that starts with `start`. */
const lineOf = (file: string, start: string) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.startsWith(start)) + 1;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-yaml-keys-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a YAML key that is a list or a mapping', () => {
  it('in a catalogue: refused at its line by catalogue validate, no warning of the yaml library', async () => {
    const { env } = storeOfCase(dir, 'data', fixture('platform.yaml'));
    const list = withLines('list-key.yaml', 'housing.yaml', 'kind:', '? [a, b]\n: c');
    const map = withLines('map-key.yaml', 'housing.yaml', 'kind:', 'anchor: &k { a: 1 }\n*k : c');
    const r = await runGovgraph(['catalogue', 'validate', list, map], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${list}:${lineOf(list, '? [a, b]')}:3: ${PROBLEM}`);
    expect(r.stdout).toContain(`${map}:${lineOf(map, '*k : c')}:1: ${PROBLEM}`);
    expect(r.stderr).not.toMatch(/Warning|trace-warnings/);
  });

  it('in the platform file: refused before any command runs, no warning either', async () => {
    const platform = withLines('platform.yaml', 'platform.yaml', 'connected:', '? { region: "140100" }\n: x');
    const { env } = storeOfCase(dir, 'data-platform', platform);
    const r = await runGovgraph(['token', '--dept', '140100-GAJ'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${platform}:${lineOf(platform, '? {')}:3: ${PROBLEM}`);
    expect(r.stderr).not.toMatch(/Warning|trace-warnings/);
  });
});
