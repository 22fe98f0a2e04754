// A store served with a platform file it was not published with (found starting `govgraph serve --data
// DIR` in a folder without platform.yaml, which takes the demo platform): its catalogues name departments
// the file does not hold. `serve` and `schema print` said so with a stack trace; now in one line naming
// what does not fit and what to pass, exit status 1. A running gateway whose file lacks the department
// of a catalogue another instance publishes (instances given different platform files) logged
// `{"error":"Error","msg":"unexpected error"}` at every poll, every 2 s, saying nothing of the cause; now
// one line with the reason.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { STORE_PLATFORM_KEY } from '../src/catalogue/store-platform.ts';
import { SETTINGS } from '../src/identity/secret.ts';
import { eq } from '../src/store/port.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Platform } from '../src/model/platform.ts';
import { GOVGRAPH_BIN, cliEnv, runGovgraph } from './helpers/cli.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-platform-mismatch-'));
const data = join(dir, 'data');
const ROWS_PLATFORM = join(root, 'test/fixtures/rows/platform.yaml');
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  const store = await openSqliteStore(data);
  await importCatalogueFiles(store, loadPlatform(ROWS_PLATFORM), [join(root, 'test/fixtures/rows/catalogue.yaml')], { publish: true });
  // As a store made before stores recorded their platform: the published providers speak, not the region
  // (a recorded region refuses the demo's file first: test/store-platform-cli.test.ts).
  await store.delete(SETTINGS, eq('key', STORE_PLATFORM_KEY));
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const govgraph = (...args: string[]) =>
  runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: DEMO_PLATFORM_FILE }) });

describe('a store served with another platform file', () => {
  // token too: it signed a token for a department of the wrong file (the demo's 430000-MZ, as the README
  // makes one), which the store's gateway then refused with 401 as if made for another data folder.
  it('is refused by serve, schema print and token in one line, without a stack trace', async () => {
    for (const args of [['serve', '--port', '0'], ['schema', 'print'], ['token', '--dept', '430000-MZ']]) {
      const r = await govgraph(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout, args.join(' ')).not.toMatch(/^eyJ/); // no token
      expect(r.stderr, args.join(' ')).not.toMatch(/^\s+at /m); // no stack
      expect(r.stderr.trimEnd().split('\n').slice(1)).toEqual([
        'govgraph: the catalogues published in this store were published with departments this platform file does not have; use the platform file they were published with (--platform FILE, env GOVGRAPH_PLATFORM), or add the departments to it:',
        expect.stringMatching(/^ {2}catalogue "\S+" resources\[0\]\.provider: \S+ is not a department of the platform$/),
        expect.stringMatching(/^ {2}catalogue "\S+" resources\[1\]\.provider: \S+ is not a department of the platform$/),
      ]);
    }
  });
});

describe('a gateway whose platform file lacks a department another instance publishes for', () => {
  it('logs the reason once, not an unexplained error at every poll', async () => {
    const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: ROWS_PLATFORM });
    const child = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await vi.waitFor(() => expect(stdout).toContain('GraphQL'), { timeout: 60_000, interval: 100 });

    // Another instance, with a platform file holding one more department, publishes a catalogue for it.
    const rows = loadPlatform(ROWS_PLATFORM);
    const wider: Platform = { ...rows, departments: [...rows.departments, { code: '610000-XX', name: 'Extra Department', graphqlName: 'extraDepartment', level: 'province', region: '610000' }] };
    const file = join(dir, 'extra.yaml');
    writeFileSync(file, [
      'id: SX-XX', 'kind: departmental', 'title: Extra catalogue', 'compiler: "610000-XX"', 'resources:',
      '  - { code: "610000-XX-00001", name: Extra things, summary: Extra things, provider: "610000-XX", providerUnit: Office,',
      '      classification: "1-01-001", format: database, updateCycle: daily, open: false,',
      '      graphql: { type: ExtraThing, list: extraThings, byKey: extraThing }, key: thingNo,',
      '      share: { type: unconditional, methods: [api] }, items: [{ name: thingNo, type: string, required: true }] }',
    ].join('\n'));
    const store = await openSqliteStore(data);
    await importCatalogueFiles(store, wider, [file], { publish: true });
    await store.close();

    await new Promise((r) => setTimeout(r, 7_000)); // three polls or more
    child.kill('SIGTERM');
    await exited;
    const errors = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(errors.map(({ error, reason, msg }) => ({ error, reason, msg }))).toEqual([{
      error: 'PlatformMismatchError',
      reason: 'the catalogues published in this store were published with departments this platform file does not have; use the platform file they were published with (--platform FILE, env GOVGRAPH_PLATFORM), or add the departments to it:\n  catalogue "SX-XX" resources[0].provider: 610000-XX is not a department of the platform',
      msg: 'error',
    }]);
  });
});

// A department renamed in the platform file after catalogues were published can give its type the name
// of a published resource's (`taxBureau` renamed `tax` → TaxResources): validation checked the names
// against the platform file of the day they were published. `serve` and `schema print` then failed with
// "There can be only one type named" and a stack.
describe('a department of the platform file whose type a published resource already has', () => {
  it('is refused by schema print in one line naming the department and the resource, without a stack', async () => {
    const store = join(dir, 'tax-data');
    const rows = loadPlatform(ROWS_PLATFORM);
    const catalogue = (id: string, compiler: string, code: string, type: string, list: string) => [
      `id: ${id}`, 'kind: departmental', 'title: A catalogue', `compiler: "${compiler}"`, 'resources:',
      `  - { code: "${code}", name: Things, provider: "${compiler}", graphql: { type: ${type}, list: ${list}, byKey: ${list}One },`,
      '      key: thingNo, share: { type: unconditional, methods: [api] }, items: [{ name: thingNo, type: string, required: true }] }',
    ].join('\n');
    writeFileSync(join(dir, 'zr.yaml'), catalogue('SX-ZR-TAX', '610000-ZR', '610000-ZR-00900', 'TaxResources', 'taxThings'));
    writeFileSync(join(dir, 'tax.yaml'), catalogue('SX-TAX', '610000-SW', '610000-SW-00001', 'Invoice', 'invoices'));
    const s = await openSqliteStore(store);
    await importCatalogueFiles(s, rows, [join(dir, 'zr.yaml')], { publish: true });
    const wider: Platform = { ...rows, departments: [...rows.departments, { code: '610000-SW', name: 'Tax Bureau', graphqlName: 'taxBureau', level: 'province', region: '610000' }] };
    await importCatalogueFiles(s, wider, [join(dir, 'tax.yaml')], { publish: true });
    await s.close();
    const platformFile = join(dir, 'wider.yaml'); // the rows platform file with the tax department, renamed
    writeFileSync(platformFile, `${readFileSync(ROWS_PLATFORM, 'utf8').trimEnd()}\n  - { code: "610000-SW", name: Tax Bureau, graphqlName: tax, level: province, region: "610000" }\n`);

    const r = await runGovgraph(['schema', 'print'], { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: store, GOVGRAPH_PLATFORM: platformFile }) });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr.trimEnd().split('\n').slice(1)).toEqual([
      'govgraph: the platform file gives departments type names that the catalogues published in this store already use; choose another graphqlName for each (or publish the resource under another graphql type):',
      `  departments[${rows.departments.length}].graphqlName: "tax" gives the type TaxResources, which is already the type of resource 610000-ZR-00900 (catalogue "SX-ZR-TAX")`,
    ]);
  });

  // Found by the last closing note: a name differing only in case (`Taxresources`) built (GraphQL tells them
  // apart), though publication refuses it (typed clients' PascalCase names merge them). Refused the same way.
  it('is refused by schema print and serve when the type differs from the published one only in case', async () => {
    const store = join(dir, 'tax-case-data');
    const rows = loadPlatform(ROWS_PLATFORM);
    writeFileSync(join(dir, 'zr-case.yaml'), [
      'id: SX-ZR-CASE', 'kind: departmental', 'title: A catalogue', 'compiler: "610000-ZR"', 'resources:',
      '  - { code: "610000-ZR-00901", name: Things, provider: "610000-ZR", graphql: { type: Levyresources, list: levyThings, byKey: levyThingsOne },',
      '      key: thingNo, share: { type: unconditional, methods: [api] }, items: [{ name: thingNo, type: string, required: true }] }',
    ].join('\n'));
    writeFileSync(join(dir, 'levy-case.yaml'), [
      'id: SX-LEVY', 'kind: departmental', 'title: A catalogue', 'compiler: "610000-LV"', 'resources:',
      '  - { code: "610000-LV-00001", name: Levies, provider: "610000-LV", graphql: { type: Levy, list: levies, byKey: levy },',
      '      key: levyNo, share: { type: unconditional, methods: [api] }, items: [{ name: levyNo, type: string, required: true }] }',
    ].join('\n'));
    const s = await openSqliteStore(store);
    await importCatalogueFiles(s, rows, [join(dir, 'zr-case.yaml')], { publish: true });
    const wider: Platform = { ...rows, departments: [...rows.departments, { code: '610000-LV', name: 'Levy Office', graphqlName: 'levyOffice', level: 'province', region: '610000' }] };
    await importCatalogueFiles(s, wider, [join(dir, 'levy-case.yaml')], { publish: true });
    await s.close();
    const platformFile = join(dir, 'levy.yaml'); // the levy office renamed: `levy` gives LevyResources
    writeFileSync(platformFile, `${readFileSync(ROWS_PLATFORM, 'utf8').trimEnd()}\n  - { code: "610000-LV", name: Levy Office, graphqlName: levy, level: province, region: "610000" }\n`);
    const expected = [
      'govgraph: the platform file gives departments type names that the catalogues published in this store already use; choose another graphqlName for each (or publish the resource under another graphql type):',
      `  departments[${rows.departments.length}].graphqlName: "levy" gives the type LevyResources, which differs only in case from Levyresources, the type of resource 610000-ZR-00901 (catalogue "SX-ZR-CASE") (typed clients' PascalCase type names would merge them)`,
    ];
    for (const command of [['schema', 'print'], ['serve', '--port', '0']]) {
      const r = await runGovgraph(command, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: store, GOVGRAPH_PLATFORM: platformFile }) });
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr.trimEnd().split('\n').slice(-2)).toEqual(expected);
    }
  });
});
