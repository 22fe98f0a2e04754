// The queries and the requester of the gateway's benchmarks (bench/gateway.ts, bench/executors.ts): the demo's
// Provincial Department of Civil Affairs (430000-MZ) asking for social assistance reads 100 employment
// registrations, 12 items (two masked for it) and the `employer` link to another department's resource.
import { loadPlatform } from '../src/catalogue/platform.ts';
import { limitsOf } from '../src/model/platform.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';

export const REQUESTER = '430000-MZ';
export const PURPOSE = 'social-assistance';

export const ITEMS = ['registrationNo', 'idNumber', 'fullName', 'gender', 'employerCode', 'employerName', 'position',
  'contractType', 'contractStart', 'contractEnd', 'weeklyHours', 'insured'];
export const LIST_QUERY = `{ humanResources { employmentRegistrations(first: 100) { nodes { ${ITEMS.join(' ')} employer { creditCode name } } } } }`;
// The same with one item the requester may not read (monthlyWage is not shared): null with one error,
// located once by the read plan.
export const DENIED_QUERY = LIST_QUERY.replace('insured', 'insured monthlyWage');
// The same with the link under @include(if: true), as clients that toggle parts of a query send it: a
// document holding @skip or @include that can hide no fragment (src/server/executor.ts).
export const INCLUDE_QUERY = LIST_QUERY.replace('employer {', 'employer @include(if: true) {');
export const lookupQuery = (key: string) => `{ humanResources { employmentRegistration(registrationNo: "${key}") { ${ITEMS.join(' ')} } } }`;

/**
 * The platform served: the demo and `profiles` more departments with the requester's level and region
 * (distinct access profiles that read the same answer), request rates off.
 */
export function benchPlatform(profiles: number) {
  const loaded = loadPlatform(DEMO_PLATFORM_FILE);
  // The demo's own department x purpose profiles answer in different sizes.
  const requester = loaded.departments.find((d) => d.code === REQUESTER)!;
  const clones = Array.from({ length: profiles }, (_, i) => ({
    ...requester, code: `${requester.region}-B${String(i + 1).padStart(3, '0')}`, name: `Bench department ${i + 1}`, graphqlName: `benchDepartment${i + 1}`,
  }));
  // One token sends every request: the request rates (SPEC §13) would refuse most of them; bench/limits.ts
  // measures what the limits cost.
  const platform = { ...loaded, departments: [...loaded.departments, ...clones], limits: { ...limitsOf(loaded), rate: { perDepartment: null, perUser: null } } };
  return { platform, clones };
}
