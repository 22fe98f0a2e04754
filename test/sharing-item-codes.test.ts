// A sharing request (or an operator's grant) for an item that its own share settings close to the
// requester: `none`, offered without the API, or a narrower department or level scope. No grant can open
// such an item (rows 1–3 of SPEC §6 come before row 6), so the request is refused with the row's access
// code on the item's problem and as the refusal's code (docs/workflow.md, "Request sharing": a reason
// carries its code when it is one of the access codes), and an unconditional item outside the
// requester's own scope is not answered "no grant is needed, read it": the requester could not read it.
// A platform of its own (Gansu codes), so that nothing here leans on the demo's catalogues.
import { describe, expect, it } from 'vitest';
import { grantProblems } from '../src/access/grant-problems.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import type { WorkflowEnv } from '../src/workflow/actor.ts';
import { requestProblems } from '../src/workflow/sharing.ts';

const platform: Platform = {
  platform: { region: '620000', level: 'province', name: 'Gansu', competentDepartment: '620000-DSJ', holidays: [] },
  purposes: [
    { code: 'pension-review', name: 'Pension review' },
    { code: 'tax-check', name: 'Tax checks' },
  ],
  departments: [
    { code: '620000-DSJ', name: 'Big Data Bureau', graphqlName: 'gsData', level: 'province', region: '620000' },
    { code: '620000-GAT', name: 'Public Security', graphqlName: 'gsPolice', level: 'province', region: '620000' },
    { code: '620100-MZJ', name: 'Lanzhou Civil Affairs', graphqlName: 'lzCivil', level: 'city', region: '620100' },
    { code: '620200-MZJ', name: 'Jiayuguan Civil Affairs', graphqlName: 'jygCivil', level: 'city', region: '620200' },
  ],
  connected: [],
};

const graphql = (t: string) => ({ type: t, list: t.toLowerCase() + 's', byKey: t.toLowerCase() });
const register = {
  code: '620000-GAT-00007', name: 'Citizen register', provider: '620000-GAT', graphql: graphql('GsCitizen'), key: 'citizenNo',
  share: { type: 'conditional', conditions: 'by grant', basis: 'law', methods: ['api', 'download'], scope: { purposes: ['pension-review'], departments: ['620000-*', '6201*', '6202*'] } },
  items: [
    { name: 'citizenNo', title: 'Citizen number', type: 'string', required: true, sensitivity: 'personal', mask: 'idcard' },
    { name: 'bornOn', title: 'Born on', type: 'date' },
    { name: 'remarks', title: 'Remarks', type: 'text', share: { type: 'none', basis: 'rules' } },
    { name: 'fingerprintRef', title: 'Fingerprint', type: 'string', share: { methods: ['download'] } },
    { name: 'cityFile', title: 'City file', type: 'string', share: { scope: { departments: ['6201*'] } } },
  ],
} as unknown as Catalogue['resources'][number];
const ledger = {
  code: '620000-DSJ-00001', name: 'Benefit ledger', provider: '620000-DSJ', graphql: graphql('GsLedger'), key: 'entryNo',
  share: { type: 'unconditional', methods: ['api'], scope: { purposes: ['pension-review', 'tax-check'] } },
  items: [
    { name: 'entryNo', title: 'Entry', type: 'string', required: true },
    { name: 'cityNote', title: 'City note', type: 'string', share: { scope: { departments: ['6201*'] } } },
    { name: 'provNote', title: 'Province note', type: 'string', share: { scope: { levels: ['province'] } } },
    { name: 'condNote', title: 'Conditional note', type: 'string', share: { type: 'conditional', conditions: 'by grant', basis: 'rules' } },
  ],
} as unknown as Catalogue['resources'][number];
const catalogues = [
  { id: 'GS-POL', kind: 'departmental', title: 'Police', compiler: '620000-GAT', resources: [register] },
  { id: 'GS-DSJ', kind: 'departmental', title: 'Data', compiler: '620000-DSJ', resources: [ledger] },
] as unknown as Catalogue[];

const NOW = new Date('2026-12-05T02:00:00Z');
const env = { platform, now: NOW } as unknown as WorkflowEnv;
const dept = (code: string) => platform.departments.find((d) => d.code === code)!;
const ask = (requester: string, resource: typeof register, items: string[], purposes: string[]) =>
  requestProblems(dept(requester), resource, { resource: resource.code, items, purposes, justification: 'checks' }, catalogues, env);

describe('a request for an item its own share settings close to the requester', () => {
  it('carries the code of the row that closes the item: NOT_SHARED, METHOD_NOT_API, OUT_OF_SCOPE', () => {
    expect(ask('620100-MZJ', register, ['bornOn', 'remarks', 'fingerprintRef'], ['pension-review'])).toEqual([
      { path: 'items[1]', code: 'NOT_SHARED', message: expect.stringMatching(/^Item `remarks` of 620000-GAT-00007 .*is not shared.* A grant cannot open it\.$/) },
      { path: 'items[2]', code: 'METHOD_NOT_API', message: expect.stringMatching(/^Item `fingerprintRef` of 620000-GAT-00007 .* A grant cannot open it\.$/) },
    ]);
    expect(ask('620200-MZJ', register, ['bornOn', 'cityFile'], ['pension-review'])).toEqual([
      { path: 'items[1]', code: 'OUT_OF_SCOPE', message: expect.stringMatching(/^Item `cityFile` of 620000-GAT-00007 .*department 620200-MZJ \(city\) is outside that scope\. A grant cannot open it\.$/) },
    ]);
  });

  it('answers an unconditional item outside the requester scope with OUT_OF_SCOPE, not "no grant is needed"', () => {
    const problems = ask('620200-MZJ', ledger, ['condNote', 'cityNote', 'provNote', 'entryNo'], ['tax-check']);
    expect(problems).toEqual([
      { path: 'items[1]', code: 'OUT_OF_SCOPE', message: expect.stringMatching(/^Item `cityNote` of 620000-DSJ-00001 .*shared only with departments 6201\*; department 620200-MZJ \(city\) is outside that scope\. A grant cannot open it\.$/) },
      { path: 'items[2]', code: 'OUT_OF_SCOPE', message: expect.stringMatching(/^Item `provNote` of 620000-DSJ-00001 .*province level; department 620200-MZJ \(city\) is outside that scope\. A grant cannot open it\.$/) },
      // Within its scope, an unconditional item is read without a grant: bad input, no access code.
      { path: 'items[3]', message: 'Item `entryNo` of 620000-DSJ-00001 (Benefit ledger) is shared unconditionally: no grant is needed, read it within its scope of use.' },
    ]);
    // A department within the item's scope is still told it needs no grant.
    expect(ask('620100-MZJ', ledger, ['condNote', 'cityNote'], ['tax-check'])).toEqual([
      { path: 'items[1]', message: 'Item `cityNote` of 620000-DSJ-00001 (Benefit ledger) is shared unconditionally: no grant is needed, read it within its scope of use.' },
    ]);
  });

});

describe('a grant for an item its own share settings close to the requester', () => {
  it('is refused for the row that closes it, not as an unconditional item that needs no grant', () => {
    const input = { requester: '620200-MZJ', resource: '620000-DSJ-00001', items: ['condNote', 'cityNote'], purposes: ['tax-check'], createdBy: 'operator' };
    expect(grantProblems({ platform, catalogues }, input, NOW)).toEqual([
      { path: 'items[1]', message: expect.stringMatching(/^Item `cityNote` of 620000-DSJ-00001 .*department 620200-MZJ \(city\) is outside that scope\. A grant cannot open it\.$/) },
    ]);
    // A department within the item's scope is still told it needs no grant.
    expect(grantProblems({ platform, catalogues }, { ...input, requester: '620100-MZJ' }, NOW)).toEqual([
      { path: 'items[1]', message: 'Item `cityNote` of 620000-DSJ-00001 (Benefit ledger) is shared unconditionally: no grant is needed, read it within its scope of use.' },
    ]);
  });
});
