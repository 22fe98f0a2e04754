// A version that changes a resource's code and keeps its GraphQL names (SPEC §14 breaking changes). The
// records, grants and history stay with the old code; the consumers' queries still validate and run, but
// read the new code's collection. Found: warned only "Resource ... is removed", which a compiler reads as
// "queries of it fail", while they return nothing. The warning now names the code taking its names. On a
// Hebei fixture (test/fixtures/hebei-evolve).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { expect, it } from 'vitest';
import type { Catalogue } from '../src/model/catalogue.ts';
import { breakingChanges } from '../src/workflow/warnings/breaking-changes.ts';

const civil = () => parse(readFileSync('test/fixtures/hebei-evolve/civil.yaml', 'utf8')) as Catalogue;

it('a code changed under the same GraphQL names is a removal that says the new code takes the names, with the readers', () => {
  const next = civil();
  next.resources[0].code = '130000-MZT-00002';
  const readers = new Map([['130000-MZT-00001', new Map([['caseNo', new Set(['130100-RSJ'])]])]]);
  expect(breakingChanges(civil(), next, readers).map((w) => [w.kind, w.message])).toEqual([[
    'BREAKING_CHANGE',
    "Resource 130000-MZT-00001 (Relief recipients) is removed: 130000-MZT-00002, new in this version, takes its GraphQL names (HbReliefRecipient), so queries of it still run but read 130000-MZT-00002's records, none of 130000-MZT-00001's, and its grants do not carry over; read in the last 90 days by 130100-RSJ",
  ]]);
});

it('a resource removed with its names is a plain removal', () => {
  const next = civil();
  next.resources[0] = { ...next.resources[0], code: '130000-MZT-00002', graphql: { type: 'HbAidCase', list: 'aidCases', byKey: 'aidCase' } };
  expect(breakingChanges(civil(), next, new Map()).map((w) => w.message)).toEqual(['Resource 130000-MZT-00001 (Relief recipients) is removed']);
});
