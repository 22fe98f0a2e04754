// The log line of an unexpected error (src/cli/error-fields.ts): where govgraph's own code threw it, for
// the operator's bug report, and never its message, which can echo a request or a record's value.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { errorFields } from '../src/cli/error-fields.ts';

const thrown = (stack: string, extra: Record<string, unknown> = {}) => Object.assign(new Error('idNumber 430102199001011234 not found'), { stack, ...extra });

describe('an unexpected error in the log', () => {
  it('names the innermost frame of govgraph\'s own code, skipping dependencies and Node', () => {
    const err = thrown([
      'Error: idNumber 430102199001011234 not found',
      '    at Database.prepare (/opt/gg/node_modules/better-sqlite3/lib/methods/wrappers.js:5:21)',
      '    at node:internal/process/task_queues:95:5',
      '    at SqliteStore.find (file:///home/ops/src/govgraph/src/store/sqlite.ts:120:7)',
      '    at read (file:///home/ops/src/govgraph/resolvers/data/plan.ts:40:3)',
    ].join('\n'), { code: 'SQLITE_ERROR' });
    expect(errorFields(err)).toEqual({ error: 'Error', code: 'SQLITE_ERROR', at: 'src/store/sqlite.ts:120' });
  });

  it("names its cause's code, so that a damaged store file (SQLITE_CORRUPT) is told from a bug, never a cause's message", () => {
    const cause = Object.assign(new Error('database disk image is malformed'), { name: 'SqliteError', code: 'SQLITE_CORRUPT' });
    const err = Object.assign(new Error('find in r_630000_mz_00001: SQLite failed: database disk image is malformed', { cause }), { name: 'StoreUnavailableError' });
    expect(errorFields(err)).toMatchObject({ error: 'StoreUnavailableError', cause: 'SqliteError', causeCode: 'SQLITE_CORRUPT' });
    // A "code" that is no code (a driver putting text there) is left out.
    const odd = Object.assign(new Error('x', { cause: { name: 'Error', code: 'QH00000001 not found' } }), { name: 'StoreUnavailableError' });
    expect(errorFields(odd)).not.toHaveProperty('causeCode');
  });

  it('names a compiled file as run (dist/) and a Windows path alike', () => {
    expect(errorFields(thrown('TypeError: x\n    at f (/srv/gg/dist/src/server/app.js:88:9)')).at).toBe('src/server/app.js:88');
    expect(errorFields(thrown('TypeError: x\n    at C:\\gg\\resolvers\\data\\plan.ts:12:1')).at).toBe('resolvers/data/plan.ts:12');
  });

  it('names the TypeScript source and line of a compiled file that has its source map beside it, as the build writes', () => {
    // The gateway runs from dist/: its log named `src/store/boom.js` and the compiled line, which is no
    // file of the repository and, types erased, not the line of the source either.
    const work = mkdtempSync(join(tmpdir(), 'govgraph-error-fields-'));
    try {
      const source = [
        'interface Row {',
        '  key: string;',
        '  value: number;',
        '}',
        '',
        'export function boom(row: Row): never {',
        "  throw new Error('bad row ' + row.key);",
        '}',
        '',
      ].join('\n');
      const out = ts.transpileModule(source, { fileName: 'boom.ts', compilerOptions: { sourceMap: true, module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
      const map = JSON.parse(out.sourceMapText!) as { sources: string[] };
      map.sources = ['../../../src/store/boom.ts']; // as tsconfig.build.json writes it: dist/src/store/boom.js
      const dir = join(work, 'gg', 'dist', 'src', 'store');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'boom.js');
      writeFileSync(file, out.outputText);
      writeFileSync(`${file}.map`, JSON.stringify(map));
      const jsLines = out.outputText.split('\n');
      const jsLine = jsLines.findIndex((l) => l.includes('throw')) + 1;
      const jsColumn = jsLines[jsLine - 1].indexOf('throw') + 1;
      expect(jsLine).not.toBe(7); // the interface is gone from the compiled file
      const stack = `Error: bad row 430102199001011234\n    at boom (${pathToFileURL(file).href}:${jsLine}:${jsColumn})\n    at /srv/gg/dist/src/cli/main.js:3:1`;
      expect(errorFields(thrown(stack)).at).toBe('src/store/boom.ts:7');
      expect(errorFields(thrown(`TypeError: x\n    at ${file}:${jsLine}:${jsColumn}`)).at).toBe('src/store/boom.ts:7');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('says no place when no frame is govgraph\'s, and never the message', () => {
    const fields = errorFields(new Error('idNumber 430102199001011234 not found'));
    expect(fields).toEqual({ error: 'Error' }); // thrown here, in test/
    expect(JSON.stringify(errorFields(thrown('Error: a\n    at /opt/gg/node_modules/mongodb/lib/x.js:1:1')))).not.toContain('430102');
  });

  it('takes no line of a message for a frame, whatever the message holds', () => {
    // A value put into a message (a record's, a request's) can hold a line that reads like a frame: the
    // log must not say it as the place, nor anything of it.
    const message = 'bad value 430102199001011234\n    at evil (/var/zhang-san/src/430102199001011234.ts:1:1)';
    const err = Object.assign(new Error(message), {
      stack: `Error: ${message}\n    at f (/srv/gg/dist/src/server/app.js:88:9)`,
    });
    expect(errorFields(err)).toEqual({ error: 'Error', at: 'src/server/app.js:88' });
    const bare = Object.assign(new Error(message), { stack: `Error: ${message}\n    at /opt/gg/node_modules/x/lib/y.js:1:1` });
    expect(JSON.stringify(errorFields(bare))).not.toContain('430102');
    // A real error made with such a message: its own frames only (thrown here, in test/: no place).
    expect(errorFields(new Error(message))).toEqual({ error: 'Error' });
  });

  it('says the message of an error written for the operator', () => {
    const err = Object.assign(new Error('the store was published with another platform file'), { userFacing: true, stack: 'Error\n    at g (/gg/src/server/schema-holder.ts:70:1)' });
    expect(errorFields(err)).toEqual({ error: 'Error', at: 'src/server/schema-holder.ts:70', reason: 'the store was published with another platform file' });
  });
});
