// graphql-jit 0.8 keeps a field's resolver under its parent type's name and the field's run together, and
// catalogues name the types and fields: a department's type is `${GraphqlName}Resources` (its fields the
// list and lookup fields its catalogues name), a resource's type is the one its catalogue names (its
// resolver field `_objections`: a record's objections), and a connection's `${Type}Connection`. Two catalogues can meet: the
// civil affairs bureau's list field Relief_objections under JxCivilResources, and the public security
// bureau's type JxCivilResourcesRelief with its _objections, both JxCivilResourcesRelief_objections
// (fixtures/jiaxing-jit). Both catalogues are accepted; a document selecting both fields runs on graphql-js
// (src/server/jit-info-names.ts), each field answers its own values and the audit entry records what each
// resource read. On graphql-jit one of them ran the other's resolver.
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledFor } from '../src/server/executor.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { importRecordsOf } from './helpers/records-of.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/jiaxing-jit/${name}`, import.meta.url));
const ALLOWANCES = '330400-MZJ-00002';
const CHECKS = '330400-GAJ-00001';
const READER = { dept: '330000-DSJ', purpose: 'household-check' };

const BOTH = `query Both {
  jxCivil { Relief_objections(first: 10) { nodes { caseNo amount } } }
  jxPolice { reliefChecks(first: 10) { nodes { checkNo result _objections { id } } } }
}`;

describe('graphql-jit resolver names that two catalogues make collide', () => {
  let gw: TestGateway;
  let objection: string;

  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('allowances.yaml'), fixture('relief-checks.yaml')] });
    await importRecordsOf(gw.store, ALLOWANCES, [{ caseNo: 'LS-01', amount: 800 }, { caseNo: 'LS-02', amount: 1200 }]);
    await importRecordsOf(gw.store, CHECKS, [{ checkNo: 'HC-01', result: '属实' }, { checkNo: 'HC-02', result: '待查' }, { checkNo: 'HC-03', result: '不实' }]);
    // An objection of the reader's to one check, so that _objections answers something of its own.
    const raised = await gw.query('mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }', {
      ...READER, roles: ['applicant'], variables: { input: { resource: CHECKS, key: 'HC-02', item: 'result', reason: '已复核' } },
    });
    expect(raised.errors).toBeUndefined();
    objection = raised.data!.raiseObjection.id;
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
  });

  it('the published schema holds both names, and a document selecting both runs on graphql-js', () => {
    const schema = gw.gateway.holder.schema.schema;
    expect(schema.getType('JxCivilResources')).toBeDefined();
    expect(schema.getType('JxCivilResourcesRelief')).toBeDefined();
    expect(compiledFor(schema, parse(BOTH), 'Both')).toBeNull();
    // Either field alone stays compiled.
    expect(compiledFor(schema, parse('{ jxCivil { Relief_objections(first: 1) { nodes { caseNo } } } }'), undefined)).not.toBeNull();
    expect(compiledFor(schema, parse('{ jxPolice { reliefChecks(first: 1) { nodes { _objections { id } } } } }'), undefined)).not.toBeNull();
  });

  it('each field answers its own records, and the audit entry records both reads', async () => {
    const res = await gw.query(BOTH, READER);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      jxCivil: { Relief_objections: { nodes: [{ caseNo: 'LS-01', amount: 800 }, { caseNo: 'LS-02', amount: 1200 }] } },
      jxPolice: { reliefChecks: { nodes: [
        { checkNo: 'HC-01', result: '属实', _objections: [] },
        { checkNo: 'HC-02', result: '待查', _objections: [{ id: objection }] },
        { checkNo: 'HC-03', result: '不实', _objections: [] },
      ] } },
    });
    const log = await gw.query('{ auditLog(first: 5) { nodes { operationName outcome resources { resource provider items denied { item code } masked records } } } }', { dept: '330000-DSJ', roles: ['supervisor'] });
    expect(log.errors).toBeUndefined();
    const entry = log.data!.auditLog.nodes.find((n: { operationName: string | null }) => n.operationName === 'Both');
    expect(entry).toEqual({
      operationName: 'Both',
      outcome: 'ALLOWED',
      resources: [
        { resource: CHECKS, provider: '330400-GAJ', items: ['checkNo', 'result'], denied: [], masked: [], records: 3 },
        { resource: ALLOWANCES, provider: '330400-MZJ', items: ['amount', 'caseNo'], denied: [], masked: [], records: 2 },
      ],
    });
  });
});
