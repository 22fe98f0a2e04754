// A departmental catalogue of one resource keyed by a case number, written to `file`: the kill and
// interrupt tests publish many of them to make a publication long enough to stop in the middle.
import { writeFileSync } from 'node:fs';

export interface OneResource {
  id: string;
  title: string;
  /** The compiling and providing department. */
  dept: string;
  code: string;
  graphql: { type: string; list: string; byKey: string };
  /** The store collection it reads, when not its own. */
  collection?: string;
}

export function writeOneResourceCatalogue(file: string, c: OneResource): string {
  writeFileSync(file, `id: ${c.id}
kind: departmental
title: ${c.title}
compiler: "${c.dept}"
resources:
  - code: "${c.code}"
    name: ${c.title}
    provider: "${c.dept}"
${c.collection ? `    source: { collection: ${c.collection} }\n` : ''}    graphql: { type: ${c.graphql.type}, list: ${c.graphql.list}, byKey: ${c.graphql.byKey} }
    key: caseNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: caseNo, title: Case number, type: string, required: true }
`);
  return file;
}
