// A platform file's document limits must let a query reading a record through (SPEC §13;
// src/catalogue/checks/platform/limits.ts). `maxDepth: 1`, `maxTokens: 5` or `maxCost: 1` passed the
// schema (minimum 1): the gateway started and refused every data query with QUERY_TOO_COMPLEX. Now the
// file is refused with `path: message` saying the smallest query's figure, by serve as by every command.
// The figures are measured here against the gateway's own rules and schema (the parser's maxTokens, the
// validation rules of src/limits/document.ts, the cost the limits plugin checks), on Wenzhou's platform
// (test/fixtures/wenzhou-keys): each smallest query passes at exactly its figures and is refused one below.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, validate, type OperationDefinitionNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leastOf, smallestDataQueries, type DocumentBound } from '../src/catalogue/checks/platform/limits.ts';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { costOf } from '../src/limits/cost.ts';
import { documentLimitRules } from '../src/limits/document.ts';
import { DEFAULT_LIMITS, maxPageSize, type Limits } from '../src/model/platform.ts';
import { runGovgraph, storeOfCase } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (f: string) => fileURLToPath(new URL(`./fixtures/wenzhou-keys/${f}`, import.meta.url));
const PLATFORM = fixture('platform.yaml');
const BOUNDS: DocumentBound[] = ['maxDepth', 'maxTokens', 'maxCost'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const withLimits = (limits: object): any => ({ ...(readDocument(PLATFORM) as object), limits });

describe('the smallest data queries, measured on the gateway\'s own rules', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: PLATFORM, catalogueFiles: [fixture('residents.yaml')] });
  });
  afterAll(() => gw?.close());

  /** The document's refusals under `limits`, as the gateway finds them: parsing, validation, then the plugin's cost. */
  function refusals(text: string, limits: Limits): string[] {
    let doc;
    try {
      doc = parse(text, { maxTokens: limits.maxTokens });
    } catch {
      return ['maxTokens'];
    }
    const schema = gw.gateway.holder.schema.schema;
    const errors = validate(schema, doc, documentLimitRules(limits, maxPageSize(gw.platform)));
    const other = errors.filter((e) => e.extensions.code !== 'QUERY_TOO_COMPLEX');
    expect(other.map((e) => e.message)).toEqual([]);
    const found = errors.map((e) => String(e.extensions.limit));
    if (!found.includes('maxCost') && costOf(schema, doc, doc.definitions[0] as OperationDefinitionNode, maxPageSize(gw.platform)) > limits.maxCost) found.push('maxCost');
    return found;
  }

  for (const q of smallestDataQueries()) {
    it(`${q.what}: runs at ${JSON.stringify(q.figures)}, each bound one lower refuses it`, async () => {
      const text = q.text.replace('dept', 'wzPolice').replace('resources', 'residents').replace('resource(key:', 'resident(idNumber:').replace('item', 'fullName');
      const at = { ...DEFAULT_LIMITS, ...q.figures };
      expect(refusals(text, at)).toEqual([]);
      for (const b of BOUNDS) expect(refusals(text, { ...at, [b]: q.figures[b] - 1 }), b).toEqual([b]);
      // And it reads: the gateway answers it (no record, no error).
      const answer = await gw.query(text, { dept: '330300-DSJ', purpose: 'elderly-care' });
      expect(answer.errors).toBeUndefined();
    });
  }
});

describe('a platform file whose limits let no data query through is refused', () => {
  it('each bound under the least a data query needs: path: message naming the smallest query', () => {
    expect(validatePlatform(withLimits({ maxDepth: 1 })).problems).toEqual([{
      path: 'limits.maxDepth',
      message: '1 lets no query read a record: the smallest, a lookup, `{ dept { resource(key: "x") { item } } }`, is 3 levels deep; make it at least 3, with room for the platform\'s real queries (the default is 15)',
    }]);
    expect(validatePlatform(withLimits({ maxTokens: 5 })).problems).toEqual([{
      path: 'limits.maxTokens',
      message: '5 lets no query read a record: the smallest, a list, `{ dept { resources { nodes { item } } } }`, is 12 tokens; make it at least 12, with room for the platform\'s real queries (the default is 4000)',
    }]);
    expect(validatePlatform(withLimits({ maxCost: 1 })).problems).toEqual([{
      path: 'limits.maxCost',
      message: '1 lets no query read a record: the smallest, a lookup, `{ dept { resource(key: "x") { item } } }`, is 3 field values; make it at least 3, with room for the platform\'s real queries (the default is 200000)',
    }]);
    // Each is said, all at once.
    expect(validatePlatform(withLimits({ maxDepth: 2, maxTokens: 11, maxCost: 2 })).problems.map((p) => p.path)).toEqual(['limits.maxDepth', 'limits.maxTokens', 'limits.maxCost']);
  });

  it('bounds each at their least that together let nothing through: one problem on limits', () => {
    // maxDepth 3 lets only lookups through, and a lookup is 14 tokens.
    expect(validatePlatform(withLimits({ maxDepth: 3, maxTokens: 13 })).problems).toEqual([{
      path: 'limits',
      message: 'maxDepth 3, maxTokens 13 and maxCost 200000 together let no query read a record: the smallest need a lookup (`{ dept { resource(key: "x") { item } } }`) 3 deep, 14 tokens, 3 field values; a list (`{ dept { resources { nodes { item } } } }`) 4 deep, 12 tokens, 23 field values; a list of one (`{ dept { resources(first: 1) { nodes { item } } } }`) 4 deep, 17 tokens, 4 field values; raise the bounds that fall short of one of them',
    }]);
    // A list without first counts the default page: with maxPageSize 5, a list of 12 tokens costs 8.
    const small = withLimits({ maxDepth: 4, maxTokens: 13, maxCost: 8 });
    small.platform.maxPageSize = 5;
    expect(validatePlatform(small).problems).toEqual([]);
    expect(validatePlatform(withLimits({ maxDepth: 4, maxTokens: 13, maxCost: 8 })).problems.map((p) => p.path)).toEqual(['limits']);
    // At their least, with one query through: accepted.
    for (const q of smallestDataQueries()) expect(validatePlatform(withLimits(q.figures)).problems, q.what).toEqual([]);
  });

  it('the schema\'s minimums are the least each bound allows (an editor flags what the check refuses)', () => {
    const schema = JSON.parse(readFileSync(new URL('../schema/platform.schema.json', import.meta.url), 'utf8'));
    for (const b of BOUNDS) expect(schema.properties.limits.properties[b].minimum, b).toBe(leastOf(b).figures[b]);
  });

  describe('by the commands', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'govgraph-limits-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('serve refuses such a file with path: message, no stack trace, and serves nothing', async () => {
      const file = join(dir, 'platform.yaml');
      writeFileSync(file, `${readFileSync(PLATFORM, 'utf8')}limits: { maxDepth: 1, maxCost: 1 }\n`);
      const { env } = storeOfCase(dir, 'serve', file);
      const r = await runGovgraph(['serve', '--port', '0'], { env, timeout: 60_000 });
      expect(r.code).toBe(1);
      const said = r.stdout + r.stderr;
      expect(said).toContain('limits.maxDepth: 1 lets no query read a record: the smallest, a lookup, `{ dept { resource(key: "x") { item } } }`, is 3 levels deep; make it at least 3');
      expect(said).toContain('limits.maxCost: 1 lets no query read a record');
      expect(said).not.toMatch(/\n\s+at /);
    });
  });
});
