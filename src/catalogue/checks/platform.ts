// Checks of a platform file beyond its JSON Schema: each a named function yielding problems; the list
// `platformChecks` is applied in order by validatePlatform.
import type { Platform } from '../../model/platform.ts';
import { departmentTypeName, PLATFORM_QUERY_FIELDS } from '../names.ts';
import type { Problem } from '../problems.ts';
import { listOf, problem, repeats } from './util.ts';

export type PlatformCheck = (p: Platform) => Iterable<Problem>;

function* departmentCodesUnique(p: Platform): Iterable<Problem> {
  for (const [i, first, code] of repeats(p.departments, (d) => d.code)) {
    yield problem(`departments[${i}].code`, `"${code}" is already the code of departments[${first}]; department codes must be unique`);
  }
}

function* graphqlNamesUnique(p: Platform): Iterable<Problem> {
  for (const [i, first, name] of repeats(p.departments, (d) => departmentTypeName(d.graphqlName))) {
    const other = p.departments[first];
    const same = other.graphqlName === p.departments[i].graphqlName;
    yield problem(
      `departments[${i}].graphqlName`,
      same
        ? `"${p.departments[i].graphqlName}" is already the graphqlName of departments[${first}] (${other.code}); graphqlNames must be unique`
        : `"${p.departments[i].graphqlName}" and the graphqlName "${other.graphqlName}" of departments[${first}] (${other.code}) both give the type ${name}; choose another name`,
    );
  }
}

function* graphqlNamesNotPlatformFields(p: Platform): Iterable<Problem> {
  for (const [i, d] of p.departments.entries()) {
    if (PLATFORM_QUERY_FIELDS.includes(d.graphqlName)) {
      yield problem(
        `departments[${i}].graphqlName`,
        `"${d.graphqlName}" is a field the platform itself defines on Query; choose another name (reserved: ${PLATFORM_QUERY_FIELDS.join(', ')})`,
      );
    }
  }
}

function* competentDepartmentExists(p: Platform): Iterable<Problem> {
  const code = p.platform.competentDepartment;
  if (!p.departments.some((d) => d.code === code)) {
    yield problem(
      'platform.competentDepartment',
      `"${code}" is not the code of any of the departments (${listOf(p.departments.map((d) => d.code))})`,
    );
  }
}

function* purposeCodesUnique(p: Platform): Iterable<Problem> {
  for (const [i, first, code] of repeats(p.purposes, (x) => x.code)) {
    yield problem(`purposes[${i}].code`, `"${code}" is already the code of purposes[${first}]; purpose codes must be unique`);
  }
}

function* connectedNamespacesFree(p: Platform): Iterable<Problem> {
  for (const [i, first, ns] of repeats(p.connected, (c) => c.namespace)) {
    yield problem(`connected[${i}].namespace`, `"${ns}" is already the namespace of connected[${first}]; namespaces must be unique`);
  }
  for (const [i, c] of p.connected.entries()) {
    const dept = p.departments.findIndex((d) => d.graphqlName === c.namespace);
    if (dept >= 0) {
      yield problem(`connected[${i}].namespace`, `"${c.namespace}" is already the graphqlName of departments[${dept}]; choose another namespace`);
    } else if (PLATFORM_QUERY_FIELDS.includes(c.namespace)) {
      yield problem(`connected[${i}].namespace`, `"${c.namespace}" is a field the platform itself defines on Query; choose another namespace`);
    }
    if (c.region === p.platform.region) {
      yield problem(`connected[${i}].region`, `"${c.region}" is this platform's own region; a connected platform serves another region`);
    }
  }
}

export const platformChecks: readonly PlatformCheck[] = [
  departmentCodesUnique,
  graphqlNamesUnique,
  graphqlNamesNotPlatformFields,
  competentDepartmentExists,
  purposeCodesUnique,
  connectedNamespacesFree,
];
