// graphql-jit 0.8 writes the conditions it compiles onto the parsed document (`__internalShouldInclude` on
// each field node, joined with what an earlier compilation left there), and the gateway keeps parsed
// documents (plugins/document-cache.ts) and their compiled queries (executor.ts). One document text is
// sent here, two operations sharing a fragment with @skip/@include on its fields, as two departments, with
// each condition both ways, before and after a publication that retypes an item the fragment selects
// (size: string → int). Every answer is what that request asks on the schema in effect: no condition
// decided once and kept, no compiled query or parsed document of the first version serving the second.
// Why it holds: the documents are cached per schema and department (a publication parses again), the compiled queries per
// schema, document and operation, and a mark names the variable it reads (`variables["withNotes"]`), is
// decided per request, and depends only on where the field stands in the document (graphql-jit carries a
// condition down through fields, never into a fragment: those documents run on graphql-js), so compiling
// the same nodes again for another operation or schema adds nothing (checked below against a fresh parse).
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { parse as parseYaml } from 'yaml';
import type { ApolloServerPlugin } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { compiledFor } from '../src/server/executor.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { importRecordsOf } from './helpers/records-of.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/jiaxing-jit/${name}`, import.meta.url));
const CODE = '330400-MZJ-00001';
const PROVIDER = '330400-MZJ';
const READER = '330400-GAJ';
const PURPOSE = 'household-check';

const TEXT = `
query Households($withNotes: Boolean!, $hideSize: Boolean! = false) {
  jxCivil { households(first: 10) { nodes { householdNo ...Details } } }
}
query Household($withNotes: Boolean!, $hideSize: Boolean! = false) {
  jxCivil { household(householdNo: "JX-02") { ...Details head @skip(if: $withNotes) } }
}
fragment Details on JxHousehold { size @skip(if: $hideSize) notes @include(if: $withNotes) }
`;

const V1 = [
  { householdNo: 'JX-01', head: '沈国强', size: '3', notes: '南湖区' },
  { householdNo: 'JX-02', head: '陆春梅', size: '5', notes: '秀洲区' },
];
const V2 = V1.map((r) => ({ ...r, size: Number(r.size) }));

interface Asked { op: 'Households' | 'Household'; withNotes: boolean; hideSize: boolean; dept: string }
const ASKED: Asked[] = [];
for (const dept of [READER, PROVIDER])
  for (const op of ['Households', 'Household'] as const)
    for (const withNotes of [true, false]) for (const hideSize of [false, true]) ASKED.push({ op, withNotes, hideSize, dept });

/** What graphql-js answers for `a` on records `rows` (the head masked for the reader). */
function expected(a: Asked, rows: readonly Record<string, unknown>[]) {
  const details = (r: Record<string, unknown>) => ({ ...(a.hideSize ? {} : { size: r.size }), ...(a.withNotes ? { notes: r.notes } : {}) });
  if (a.op === 'Households') return { jxCivil: { households: { nodes: rows.map((r) => ({ householdNo: r.householdNo, ...details(r) })) } } };
  const r = rows[1];
  const head = a.dept === PROVIDER ? r.head : '陆**';
  return { jxCivil: { household: { ...details(r), ...(a.withNotes ? {} : { head }) } } };
}

describe('graphql-jit marks on a cached document across operations, departments and a publication', () => {
  let gw: TestGateway;
  /** The schema of the first version (the second is the one in effect after the first test). */
  let v1: GraphQLSchema;
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-jit-marks-'));
  /** The document each request of TEXT executed, with the schema it ran on. */
  const executed: { document: DocumentNode; schema: GraphQLSchema }[] = [];
  const capture: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async executionDidStart(rc) {
          if (rc.source === TEXT) executed.push({ document: rc.document, schema: rc.schema });
        },
      };
    },
  };

  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('households.yaml')], gateway: { plugins: [capture] } });
    await importRecordsOf(gw.store, CODE, V1);
    v1 = gw.gateway.holder.schema.schema;
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function askAll(rows: readonly Record<string, unknown>[]) {
    for (const a of ASKED) {
      // gw.query sends no operation name: posted here with one.
      const res = await fetch(`${gw.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(a.dept)}`, 'x-purpose': PURPOSE },
        body: JSON.stringify({ query: TEXT, operationName: a.op, variables: { withNotes: a.withNotes, hideSize: a.hideSize } }),
      });
      const body = (await res.json()) as { data?: unknown; errors?: unknown };
      expect({ asked: a, errors: body.errors, data: body.data }).toEqual({ asked: a, errors: undefined, data: expected(a, rows) });
    }
  }

  it('answers each request as asked, on the first version and on the one published after it', async () => {
    // Both operations run compiled (conditions on fields with no fragment below them stay on graphql-jit).
    for (const op of ['Households', 'Household']) expect(compiledFor(v1, parse(TEXT), op)).not.toBeNull();
    await askAll(V1);
    await askAll(V1); // each once more, compiled queries and marks from the cache

    // Version 2 retypes size (string → int); the records are imported again in the new type.
    const v2Doc = parseYaml(readFileSync(fixture('households.yaml'), 'utf8')) as Catalogue;
    v2Doc.resources[0].items = v2Doc.resources[0].items.map((i) => (i.name === 'size' ? { ...i, type: 'int' as const } : i));
    writeFileSync(join(dir, 'v2.json'), JSON.stringify(v2Doc));
    await importCatalogueFiles(gw.store, gw.platform, [join(dir, 'v2.json')], { publish: true });
    expect(await gw.gateway.holder.refresh()).toBe(true);
    await importRecordsOf(gw.store, CODE, V2);
    const v2 = gw.gateway.holder.schema.schema;
    expect(v2).not.toBe(v1);
    await askAll(V2);
    await askAll(V2);

    // The requests did share parsed documents: one per schema and department (the cache is per requester:
    // test/document-cache-requesters.test.ts), compiled for both operations.
    const onV1 = new Set(executed.filter((e) => e.schema === v1).map((e) => e.document));
    const onV2 = new Set(executed.filter((e) => e.schema === v2).map((e) => e.document));
    expect([onV1.size, onV2.size, executed.length]).toEqual([2, 2, ASKED.length * 4]);
  }, 120_000);

  it('leaves on a document compiled for both operations on both versions the marks a fresh parse gets', async () => {
    const v2 = gw.gateway.holder.schema.schema;
    const reused = parse(TEXT);
    for (const schema of [v1, v2]) for (const op of ['Households', 'Household']) expect(compiledFor(schema, reused, op)).not.toBeNull();
    const fresh = parse(TEXT);
    expect(compiledFor(v2, fresh, 'Household')).not.toBeNull();
    expect(compiledFor(v2, fresh, 'Households')).not.toBeNull();
    expect(marks(reused)).toEqual(marks(fresh));
    // and the marks are the conditions written on the fields themselves, by variable name
    expect(marks(reused).filter((m) => m.conditions.length)).toEqual([
      { field: 'head', conditions: ['(__context.variables["withNotes"] === false)'] },
      { field: 'size', conditions: ['(__context.variables["hideSize"] === false)'] },
      { field: 'notes', conditions: ['(__context.variables["withNotes"] === true)'] },
    ]);
  });
});

/** Each field node's graphql-jit conditions, in document order. */
function marks(document: DocumentNode): { field: string; conditions: string[] }[] {
  const out: { field: string; conditions: string[] }[] = [];
  visit(document, {
    [Kind.FIELD]: (node) => {
      out.push({ field: node.name.value, conditions: [...((node as { __internalShouldInclude?: string[] }).__internalShouldInclude ?? [])] });
    },
  });
  return out;
}
