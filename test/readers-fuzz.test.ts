// Files never crash a command (issue 9 point 7): each reader (catalogue YAML and JSON documents, record
// JSON Lines and CSV) is fed a few thousand malformed inputs made by mutating good ones with the usual
// attacks (alias bombs, deep nesting, invalid UTF-8, stray quotes, cut-off text, control bytes). Every
// input must end in documents/records or in problems naming where; never in another exception.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { validateCatalogueFiles } from '../src/catalogue/files.ts';
import { DocumentInvalidError } from '../src/catalogue/problems.ts';
import { readDocuments } from '../src/catalogue/read.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import type { Resource } from '../src/model/catalogue.ts';
import { readRecords } from '../src/records/read.ts';
import { validateRecord } from '../src/records/validate.ts';
import { mulberry32 } from './helpers/random.ts';

const CASES = 1000; // per reader

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function rng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(list: readonly T[]): T => list[int(list.length)] };
}

const ALIAS_BOMB = 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
const FRAGMENTS: (string | Buffer)[] = [
  '&a ', '*a', '*b ', '<<: *a\n', '!!binary ', '!!js/function ', '!<tag:x> ', '? ', '- ', ': ', '---\n', '...\n',
  '[', ']', '{', '}', ',', '"', "'", '\\', '\\u12', '#', '|\n', '>-\n', '\t', '\r', '\r\n', '\0', '\u2028', '\ufeff',
  '__proto__', '"__proto__": 1', 'constructor', '1e999999', '-0', '0x1F', 'NaN', '.inf', '~', 'null', 'true', '"a"",b',
  Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xe4, 0xb8]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  '['.repeat(5000), '{"a":'.repeat(3000), '- '.repeat(3000), ' '.repeat(2000), 'x'.repeat(20_000), ALIAS_BOMB,
];

/** `good` mutated a few times: bytes flipped, fragments inserted, text cut or repeated. */
function mutate(good: Buffer, r: ReturnType<typeof rng>): Buffer {
  let bytes = Buffer.from(good);
  const times = 1 + r.int(4);
  for (let k = 0; k < times; k++) {
    const at = r.int(bytes.length + 1);
    switch (r.int(5)) {
      case 0: {
        const copy = Buffer.from(bytes);
        if (copy.length) copy[r.int(copy.length)] = r.int(256);
        bytes = copy;
        break;
      }
      case 1:
      case 2: {
        const f = r.pick(FRAGMENTS);
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.isBuffer(f) ? f : Buffer.from(f), bytes.subarray(at)]);
        break;
      }
      case 3:
        bytes = bytes.subarray(0, at);
        break;
      default: {
        const end = Math.min(bytes.length, at + r.int(200));
        bytes = Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]);
      }
    }
  }
  return bytes;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-fuzz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('catalogue and platform readers', () => {
  const platform = loadPlatform(DEMO_PLATFORM_FILE);
  for (const ext of ['yaml', 'json'] as const) {
    it(`turn ${CASES} malformed ${ext.toUpperCase()} files into documents or problems with a place`, () => {
      const seeds = [
        ...demoCatalogueFiles().map((f) => readFileSync(f)),
        readFileSync(DEMO_PLATFORM_FILE),
      ].map((b) => (ext === 'json' ? Buffer.from(JSON.stringify(readDocuments(`${dirFile(b)}`)[0], null, 1)) : b));
      const r = rng(ext === 'yaml' ? 1 : 2);
      let problems = 0;
      for (let i = 0; i < CASES; i++) {
        const file = join(dir, `c${i}.${ext}`);
        writeFileSync(file, mutate(r.pick(seeds), r));
        try {
          const report = validateCatalogueFiles([file], platform, []);
          if (report.problems.length) problems++;
          for (const p of report.problems) expect(p.path.startsWith(file), `${file}: ${JSON.stringify(p)}`).toBe(true);
        } catch (err) {
          throw new Error(`${file} threw ${(err as Error).stack}`);
        }
      }
      expect(problems).toBeGreaterThan(CASES / 2);
    }, 120_000);
  }

  it('refuse an alias bomb, deep nesting and invalid UTF-8 with the place', () => {
    const cases: [string, string | Buffer, string][] = [
      ['bomb.yaml', ALIAS_BOMB, 'YAML aliases expand too much'],
      ['deep.yaml', 'a: ' + '['.repeat(200_000), 'nests more than 64 levels deep'],
      ['deep.json', '{"a":'.repeat(200_000), 'nests more than 64 levels deep'],
      ['utf8.yaml', Buffer.concat([Buffer.from('platform:\n  name: '), Buffer.from([0xe4, 0xb8]), Buffer.from('\n')]), 'not valid UTF-8'],
    ];
    for (const [name, content, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      try {
        readDocuments(file);
        expect.unreachable(`${name} was read`);
      } catch (err) {
        expect(err).toBeInstanceOf(DocumentInvalidError);
        const [p] = (err as DocumentInvalidError).problems;
        expect(p.message).toContain(message);
        expect(p.path).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      }
    }
    const utf8 = (() => {
      try {
        readDocuments(join(dir, 'utf8.yaml'));
      } catch (err) {
        return (err as DocumentInvalidError).problems[0].path;
      }
    })();
    expect(utf8).toBe(`${join(dir, 'utf8.yaml')}:2`);
  });
});

/** Writes seed bytes to a file of their own (YAML), for readDocuments. */
function dirFile(bytes: Buffer): string {
  const f = join(dir, `seed-${bytes.length}.yaml`);
  writeFileSync(f, bytes);
  return f;
}

const resource: Resource = {
  code: '430000-MZ-00009',
  name: 'Test assistance',
  provider: '430000-MZ',
  graphql: { type: 'TestAssistance', list: 'testAssistances', byKey: 'testAssistance' },
  key: 'caseNo',
  share: { type: 'unconditional', methods: ['api'] },
  items: [
    { name: 'caseNo', type: 'string', required: true },
    { name: 'householdSize', type: 'int' },
    { name: 'active', type: 'boolean' },
    { name: 'approvedOn', type: 'date' },
    { name: 'remarks', type: 'text' },
  ],
};

describe('record readers', () => {
  const seeds = {
    jsonl: Buffer.from(
      [
        '{"caseNo":"A1","householdSize":3,"active":true,"approvedOn":"2024-05-01","remarks":"两行\\n文本"}',
        '{"caseNo":"A2","householdSize":null}',
        '',
        '{"caseNo":"A3","remarks":"\\"quoted\\""}',
      ].join('\n') + '\n',
    ),
    csv: Buffer.from('caseNo,householdSize,active,approvedOn,remarks\nA1,3,1,2024-05-01,"two\nlines"\nA2,,false,,\n\nA3,4,true,,"a ""quote"""\n'),
  };
  for (const ext of ['jsonl', 'csv'] as const) {
    it(`turn ${CASES} malformed ${ext.toUpperCase()} files into records or problems with a line`, async () => {
      const r = rng(ext === 'jsonl' ? 3 : 4);
      let problems = 0;
      for (let i = 0; i < CASES; i++) {
        const file = join(dir, `r${i}.${ext}`);
        writeFileSync(file, mutate(seeds[ext], r));
        try {
          for await (const rec of readRecords(file, undefined, { checkHeader: () => undefined })) {
            if (rec.problem !== undefined) {
              problems++;
              expect(rec.problem, file).toMatch(/^line \d+: /);
            } else {
              const { problems: found } = validateRecord(resource, rec.record!, rec.line, { fromText: ext === 'csv' });
              for (const p of found) expect(p, file).toMatch(/^line \d+: /);
            }
          }
        } catch (err) {
          throw new Error(`${file} threw ${(err as Error).stack}`);
        }
      }
      expect(problems).toBeGreaterThan(CASES / 4);
    }, 120_000);
  }

  it('name the line of invalid UTF-8, of a CSV quote in an unquoted cell, and of deep nesting', async () => {
    const read = async (name: string, content: string | Buffer) => {
      const file = join(dir, name);
      writeFileSync(file, content);
      const out: string[] = [];
      for await (const rec of readRecords(file)) if (rec.problem) out.push(rec.problem);
      return out;
    };
    const bad = Buffer.from([0x41, 0xff, 0x42]);
    expect(await read('u.jsonl', Buffer.concat([Buffer.from('{"caseNo":"A"}\n{"caseNo":"'), bad, Buffer.from('"}\n{"caseNo":"C"}\n')]))).toEqual([
      'line 2: not valid UTF-8; save the file as UTF-8',
    ]);
    expect(await read('u.csv', Buffer.concat([Buffer.from('caseNo,remarks\nA,x\nB,"two\nlines '), bad, Buffer.from('"\nC,y\n')]))).toEqual([
      'line 4: not valid UTF-8; save the file as UTF-8',
    ]);
    expect(await read('q.csv', 'caseNo,remarks\nA,x\nB,say "hi"\n')).toEqual([expect.stringMatching(/^line 3: Invalid Opening Quote/)]);
    // A quote never closed: the line it opened on, not the file's last line (csv-parse's).
    expect(await read('open.csv', 'caseNo,remarks\nA,"two\nlines"\nB,"never closed\nC,y\nD,z\n')).toEqual([
      'line 4: a quoted field opened on this line is never closed (the file ends inside it); close it, and write a quote inside a quoted field as ""',
    ]);
    expect(await read('deep.jsonl', `{"caseNo":"A","remarks":${'['.repeat(100_000)}${']'.repeat(100_000)}}\n{"caseNo":"B","remarks":${'['.repeat(40)}${']'.repeat(40)}}\n`)).toEqual([
      expect.stringMatching(/^line 1: /),
      'line 2: values nest more than 32 levels deep; a record is flat',
    ]);
  });
});
