// The Zhejiang platform of the demand tests (test/fixtures/zhejiang-quality): a gateway on it, and the
// demand the Hangzhou civil affairs bureau files with the provincial police for household sizes.
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Role } from '../../src/identity/roles.ts';
import { startTestGateway, type TestGateway } from './gateway.ts';

export const zhejiangFixture = (name: string) => fileURLToPath(new URL(`../fixtures/zhejiang-quality/${name}`, import.meta.url));
export const HANGZHOU_MZ = '330100-MZ';
export const ZHEJIANG_POLICE = '330000-GAT';
export const FILE_DEMAND = `mutation($input: DemandInput!) { requestData(input: $input) { id } }`;
export const ANSWER_DEMAND = `mutation($input: DemandAnswerInput!) { answerDemand(input: $input) { status resource } }`;

/** A gateway on the platform with the police's and the Health Commission's catalogues published. */
export const startZhejiangGateway = (): Promise<TestGateway> =>
  startTestGateway({ platformFile: zhejiangFixture('platform.yaml'), catalogueFiles: [zhejiangFixture('police.yaml'), zhejiangFixture('health.yaml')] });

/** The household-sizes demand as Hangzhou files it, with `changes`. */
export const householdDemand = (changes: Record<string, unknown> = {}) =>
  ({ title: 'Household sizes', description: 'For allowance review', items: ['household size'], purposes: ['allowance'], provider: ZHEJIANG_POLICE, ...changes });

/** Files the household-sizes demand as Hangzhou's user of `roles`; its id. */
export async function fileHouseholdDemand(gw: TestGateway, roles: Role[] = ['applicant']): Promise<string> {
  const r = await gw.query(FILE_DEMAND, { dept: HANGZHOU_MZ, roles, variables: { input: householdDemand() } });
  expect(r.errors).toBeUndefined();
  return r.data!.requestData.id;
}
