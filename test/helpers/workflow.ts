// Shared pieces of the workflow tests: demo catalogue documents to edit, the GraphQL documents a
// department sends, and who sends them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DEMO_CATALOGUES_DIR } from '../../src/demo/paths.ts';
import type { Catalogue } from '../../src/model/catalogue.ts';
import type { Role } from '../../src/identity/roles.ts';
import type { Platform } from '../../src/model/platform.ts';
import type { Actor, WorkflowEnv } from '../../src/workflow/actor.ts';
import { reviewCatalogue, submitCatalogue } from '../../src/workflow/catalogues.ts';

/** A demo catalogue as a plain object, to edit and submit. */
export function demoCatalogue(file: string): Catalogue {
  return parse(readFileSync(join(DEMO_CATALOGUES_DIR, file), 'utf8')) as Catalogue;
}

export const SUBMIT = `mutation($doc: String!) { submitCatalogue(document: $doc) {
  version { id version status } warnings { kind path message element useInstead { resource provider item } resource item grants } } }`;
export const REVIEW = `mutation($id: ID!, $v: Int!, $d: ReviewDecision!, $c: String) {
  reviewCatalogue(id: $id, version: $v, decision: $d, comment: $c) { id version status reviewedBy reviewComment } }`;
export const PUBLISH = `mutation($id: ID!, $v: Int!) { publishCatalogue(id: $id, version: $v) { id version status publishedAt } }`;
export const VERSIONS = `query($id: ID!) { catalogue(id: $id) { id published { version } versions { version status } } }`;

export const GA_COMPILER = { dept: '430000-GA', roles: ['compiler' as const] };
export const GA_APPROVER = { dept: '430000-GA', roles: ['approver' as const] };
export const ZWB_AUDITOR = { dept: '430000-ZWB', roles: ['auditor' as const] };
export const ZWB_SUPERVISOR = { dept: '430000-ZWB', roles: ['supervisor' as const] };
export const RST_APPLICANT = { dept: '430000-RST', roles: ['applicant' as const] };

/** A user of `dept` on `platform` acting in one role, as the workflow functions take it. */
export const workflowActor = (platform: Platform, dept: string, role: Role): Actor => ({
  dept: platform.departments.find((d) => d.code === dept)!,
  user: `${role}@${dept}`,
  roles: [role],
  purpose: null,
  requestId: 'test',
});

/**
 * `catalogue` submitted by a compiler of its compiler department and approved by an auditor of the
 * platform's competent department: the number of the version, ready to publish.
 */
export async function approvedVersion(env: WorkflowEnv, catalogue: Catalogue): Promise<number> {
  const { version } = await submitCatalogue(env, workflowActor(env.platform, catalogue.compiler, 'compiler'), catalogue);
  const auditor = workflowActor(env.platform, env.platform.platform.competentDepartment, 'auditor');
  await reviewCatalogue(env, auditor, { id: catalogue.id, version: version.version, decision: 'approve' });
  return version.version;
}
