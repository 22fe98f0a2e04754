// The Node lines govgraph supports: package.json's `engines` states no line older than what the installed
// packages declare, and our own code uses no Node API that Node 22 or 24 removed or warns about
// (docs/operations.md, "Newer Node lines"). Both are read from the files, so they hold on any Node.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

describe('package.json engines', () => {
  const engines: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages as Record<string, { engines?: { node?: string }; os?: string[]; cpu?: string[] }>;
  /** The oldest release of line `major` the range admits, or undefined if it admits none of it. */
  const oldestOf = (major: number): string | undefined =>
    engines
      .split('||')
      .map((part) => semver.minVersion(`${part.trim()} >=${major}.0.0 <${major + 1}.0.0-0`)?.version)
      .filter((v): v is string => v !== undefined)
      .sort((a, b) => (semver.satisfies(a, `<${b}`) ? -1 : 1))[0];
  // The lines govgraph is run and tested on (Node 20 here and in CI; 22 and 24 as operations.md says).
  const LINES = [20, 22, 24];

  it('admits the lines the project is run and tested on', () => {
    for (const line of LINES) expect(oldestOf(line), `Node ${line}`).toBeDefined();
  });

  it("names no release older than what an installed package supports, on each line", () => {
    const unmet = LINES.map(oldestOf).filter((v): v is string => v !== undefined).flatMap((node) =>
      Object.entries(lock)
        // A package for another system (darwin, win32, wasm32) is never installed here: its engines are its own.
        .filter(([path, p]) => path !== '' && p.engines?.node && !(p.os && !p.os.includes('linux')) && !(p.cpu && !p.cpu.includes('x64')))
        .filter(([, p]) => !semver.satisfies(node, p.engines!.node!))
        .map(([path, p]) => `Node ${node}: ${path.replace(/^.*node_modules\//, '')} needs ${p.engines!.node}`),
    );
    expect(unmet).toEqual([]);
  });
});

/** Forms of Node API that Node 22 or 24 removed or deprecates at run time, each with a line it must catch. */
const FORMS: { form: RegExp; why: string; example: string }[] = [
  { form: /\bassert\s*\{\s*type\s*:/, why: 'import assertions: a syntax error from Node 22 (use `with { type: ... }`)', example: "import data from './a.json' assert { type: 'json' };" },
  { form: /(^|[^.\w])(new\s+)?Buffer\s*\(/, why: 'Buffer() (DEP0005): use Buffer.alloc or Buffer.from', example: 'const b = new Buffer(8);' },
  { form: /\bSlowBuffer\b/, why: 'SlowBuffer (DEP0030, warns on Node 24): use Buffer.allocUnsafeSlow', example: "import { SlowBuffer } from 'node:buffer';" },
  { form: /\burl\.(parse|resolve)\s*\(|\bimport\s*\{[^}]*\b(parse|resolve)\b[^}]*\}\s*from\s*['"](node:)?url['"]/, why: 'url.parse / url.resolve (DEP0169, warns on Node 24): use new URL()', example: "import { parse } from 'node:url';" },
  { form: /['"](node:)?punycode['"]/, why: 'the punycode module (DEP0040, warns from Node 22): use the URL API or domainToASCII', example: "import punycode from 'punycode';" },
  { form: /\bprocess\.binding\s*\(/, why: 'process.binding (DEP0111)', example: "process.binding('fs')" },
  { form: /\butil\.(is[A-Z]\w*|_extend|log)\(|\bimport\s*\{[^}]*\b(is(Array|Boolean|Buffer|Date|Error|Function|Null|NullOrUndefined|Number|Object|Primitive|RegExp|String|Symbol|Undefined)|_extend|log)\b[^}]*\}\s*from\s*['"](node:)?util['"]/, why: 'util.is* (removed in Node 23 but isArray, which warns), util._extend, util.log (removed)', example: "import { isUndefined } from 'util';" },
  { form: /\butil\.(is[A-Z]\w*|_extend|log)\(/, why: 'util.is* called (removed in Node 23 but isArray, which warns)', example: 'if (util.isString(v)) return v;' },
  { form: /\brmdir(Sync)?\s*\([^)]*recursive/, why: 'fs.rmdir recursive (DEP0147): use fs.rm', example: 'rmdirSync(dir, { recursive: true });' },
  { form: /\b(fs\.)?[FRWX]_OK\b(?<!constants\.[FRWX]_OK)/, why: 'fs.F_OK and its kin (DEP0176, warns on Node 24): use fs.constants.F_OK', example: 'accessSync(file, fs.W_OK);' },
  { form: /\bdirent\.path\b|\.path\b(?=[^\n]*withFileTypes)/, why: 'Dirent.path (DEP0178, gone on Node 24): use parentPath', example: 'const where = dirent.path;' },
  { form: /\bcrypto\.(createCipher|createDecipher|fips)\b|\b(createCipher|createDecipher)\s*\(/, why: 'crypto.createCipher (removed in Node 22), crypto.fips (warns on Node 24)', example: "createCipher('aes-128-cbc', key)" },
  { form: /\bprocess\.assert\s*\(|\bcreateSecurePair\b|\bCallTracker\b|\bnew\s+(fs\.)?Stats\s*\(/, why: 'process.assert and tls.createSecurePair (removed in Node 24), assert.CallTracker, new fs.Stats (deprecated)', example: 'process.assert(ok);' },
  { form: /--experimental-[a-z-]+/, why: 'an --experimental flag: what it turns on changes or becomes the default from line to line', example: 'node --experimental-vm-modules x.js' },
];

const SCANNED = ['src', 'resolvers', 'bin', 'scripts', 'bench', 'examples', 'test', '.ci', 'package.json', 'vitest.config.ts', 'codegen.ts'];
const SOURCE = /\.(ts|js|mjs|cjs|json)$|(^|\/)run$/;

function files(path: string): string[] {
  const abs = join(root, path);
  if (!statSync(abs, { throwIfNoEntry: false })) return [];
  if (!statSync(abs).isDirectory()) return [path];
  return readdirSync(abs).flatMap((name) => (name === 'node_modules' || name === 'fixtures' ? [] : files(join(path, name))));
}

describe('sources use no Node API that Node 22 or 24 removed or warns about', () => {
  it.each(FORMS)('the form of $why catches its example', ({ form, example }) => {
    expect(form.test(example)).toBe(true);
  });

  it('finds none of the forms in our code', () => {
    const self = relative(root, import.meta.filename);
    const found: string[] = [];
    for (const file of SCANNED.flatMap(files).filter((f) => SOURCE.test(f) && f !== self)) {
      readFileSync(join(root, file), 'utf8').split('\n').forEach((line, i) => {
        if (/^\s*(\/\/|\*|\/\*)/.test(line)) return; // a comment may name a form to say why it is avoided
        for (const { form, why } of FORMS) if (form.test(line)) found.push(`${file}:${i + 1}: ${why}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(found).toEqual([]);
  });
});
