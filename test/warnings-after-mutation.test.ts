// A request of several mutations runs them one after another (GraphQL), each answering as the platform
// stands after it: a version's warnings named after a grant was revoked earlier in the same request do
// not name that grant, though the request's platform reads are read once (415fb29's per-request memo,
// resolvers/platform/reads.ts platformReads). On a Ningxia platform of the test's own, whose competent
// department compiles and provides the catalogue, so one request of its can submit, revoke and review.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Catalogue } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/warnings-mutations/${name}`, import.meta.url));
const DSJ = '640000-DSJ';
const RSJ = '640000-RSJ';
const RESOURCE = '640000-DSJ-00011';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('registry.yaml')] });
}, 30_000);
afterAll(() => gw?.close());

async function ok(document: string, dept: string, roles: never[], variables?: Record<string, unknown>) {
  const r = await gw.query(document, { dept, roles, variables });
  expect(r.errors, document).toBeUndefined();
  return r.data!;
}

/** A grant of benefitLevel to the Human Resources Department, requested and approved. */
async function grantBenefitLevel(): Promise<string> {
  const asked = await ok(`mutation($r: String!) { requestSharing(input: { resource: $r, items: ["benefitLevel"], purposes: ["pension-check"], justification: "Pension checks of the county" }) { id } }`,
    RSJ, ['applicant'] as never[], { r: RESOURCE });
  const decided = await ok(`mutation($id: ID!) { decideSharingRequest(input: { id: $id, decision: APPROVE }) { grant { id } } }`,
    DSJ, ['approver'] as never[], { id: asked.requestSharing.id });
  return decided.decideSharingRequest.grant.id as string;
}

const WARNINGS = '{ version warnings { kind item grants } }';
const breaks = (v: { warnings: { kind: string; item: string | null; grants: string[] | null }[] }) =>
  v.warnings.filter((w) => w.kind === 'BREAKS_GRANT').map((w) => [w.item, w.grants]);

describe('warnings in a request of several mutations', () => {
  it('name no grant revoked by an earlier mutation of the request', async () => {
    const grant = await grantBenefitLevel();
    const next = parse(readFileSync(fixture('registry.yaml'), 'utf8')) as Catalogue;
    next.resources[0].items = next.resources[0].items.filter((i) => i.name !== 'benefitLevel');
    const data = await ok(
      `mutation($doc: String!, $grant: ID!) {
        submitted: submitCatalogue(document: $doc) { version ${WARNINGS} }
        revoked: revokeGrant(id: $grant, reason: "The county's checks ended") { active }
        reviewed: reviewCatalogue(id: "NX-DSJ", version: 2, decision: APPROVE) ${WARNINGS}
      }`,
      DSJ, ['compiler', 'approver', 'auditor'] as never[], { doc: JSON.stringify(next), grant },
    );
    expect(breaks(data.submitted.version)).toEqual([['benefitLevel', [grant]]]); // the grant was active then
    expect(data.revoked.active).toBe(false);
    expect(breaks(data.reviewed)).toEqual([]); // revoked since: nothing left to break
    // As a request of its own reads it.
    const after = await ok('{ catalogue(id: "NX-DSJ") { versions { version warnings { kind item grants } } } }', DSJ, [] as never[]);
    expect(breaks(after.catalogue.versions.find((v: { version: number }) => v.version === 2))).toEqual([]);
  });
});
