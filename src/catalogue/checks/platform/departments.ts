// Checks of a platform file's departments and purposes: codes and GraphQL names unique, each region of
// its level, the competent department listed.
import { levelOfRegion, regionPrefix, withinRegion } from '../../../access/row-scope.ts';
import type { Level, Platform } from '../../../model/platform.ts';
import { departmentTypeName, PLATFORM_QUERY_FIELDS, PROMISE_MEMBER, promiseMemberMessage, typeNameKey } from '../../names.ts';
import type { Problem } from '../../problems.ts';
import { listOf, otherCase, problem, repeats } from '../util.ts';

export function* departmentCodesUnique(p: Platform): Iterable<Problem> {
  // Ignoring case: resource codes are compared so (catalogue/codes.ts), and "430000-ga" beside "430000-GA"
  // would be two departments a person cannot tell apart in a token, a grant or the audit log.
  for (const [i, first] of repeats(p.departments, (d) => d.code.toUpperCase())) {
    const [code, other] = [p.departments[i].code, p.departments[first].code];
    yield problem(
      `departments[${i}].code`,
      code === other
        ? `"${code}" is already the code of departments[${first}]; department codes must be unique`
        : `"${code}" differs from the code "${other}" of departments[${first}] only in case; department codes must be unique ignoring case`,
    );
  }
}

export function* graphqlNamesUnique(p: Platform): Iterable<Problem> {
  // Type names are unique ignoring case (typeNameKey): a typed client's PascalCase names would merge them.
  for (const [i, first] of repeats(p.departments, (d) => typeNameKey(departmentTypeName(d.graphqlName)))) {
    const [mine, other] = [p.departments[i], p.departments[first]];
    const [type, otherType] = [departmentTypeName(mine.graphqlName), departmentTypeName(other.graphqlName)];
    yield problem(
      `departments[${i}].graphqlName`,
      other.graphqlName === mine.graphqlName
        ? `"${mine.graphqlName}" is already the graphqlName of departments[${first}] (${other.code}); graphqlNames must be unique`
        : type === otherType
          ? `"${mine.graphqlName}" and the graphqlName "${other.graphqlName}" of departments[${first}] (${other.code}) both give the type ${type}; choose another name`
          : `"${mine.graphqlName}" gives the type ${type}, which differs only in case from ${otherType}, the type of departments[${first}] (${other.code}) (typed clients' PascalCase type names would merge them); choose another name`,
    );
  }
}

export function* graphqlNamesNotPlatformFields(p: Platform): Iterable<Problem> {
  for (const [i, d] of p.departments.entries()) {
    if (PLATFORM_QUERY_FIELDS.includes(d.graphqlName)) {
      yield problem(
        `departments[${i}].graphqlName`,
        `"${d.graphqlName}" is a field the platform itself defines on Query; choose another name (reserved: ${PLATFORM_QUERY_FIELDS.join(', ')})`,
      );
    } else if (d.graphqlName === PROMISE_MEMBER) {
      yield problem(`departments[${i}].graphqlName`, promiseMemberMessage('graphqlName'));
    }
  }
}

/** How a division code of each level is written, with an example within the platform's province. */
function levelShape(level: Level, p: Platform): string {
  const province = p.platform.region.slice(0, 2);
  const shapes: Record<Level, string> = {
    province: `ends in 0000, like ${province}0000`,
    city: `ends in 00 but not 0000, like ${province}0100`,
    county: `ends in two digits other than 00, like ${province}0102`,
  };
  return `a ${level}'s code ${shapes[level]}`;
}

/** A problem when `region` is no division's code or the code of another level than `level`. */
function regionOfLevel(path: string, region: string, level: Level, whose: string, p: Platform): Iterable<Problem> {
  const actual = levelOfRegion(region);
  if (!actual) {
    return [problem(path, `"${region}" is not the code of an administrative division (two digits of a province, then two of a city and two of a county)`)];
  }
  if (actual !== level) return [problem(path, `"${region}" is the code of a ${actual}, but ${whose} is ${level}; ${levelShape(level, p)}`)];
  return [];
}

// A department's region decides the rows it sees (row scope) and what connected platforms accept of it:
// its level and region must agree with each other and with the platform's. Its code is free: SPEC §3
// writes codes as region-abbreviation, and only two things read a division out of a code: share scopes'
// patterns ("4301*"), and a connected platform, which accepts a forwarded department only when its
// code's division lies within this platform's region (src/identity/forwarded.ts).
export function* platformRegionOfItsLevel(p: Platform): Iterable<Problem> {
  yield* regionOfLevel('platform.region', p.platform.region, p.platform.level, 'platform.level', p);
}

export function* departmentRegionsOfTheirLevels(p: Platform): Iterable<Problem> {
  for (const [i, d] of p.departments.entries()) {
    yield* regionOfLevel(`departments[${i}].region`, d.region, d.level, "the department's level", p);
    if (levelOfRegion(d.region) && regionPrefix(p.platform.region) !== '' && !withinRegion(d.region, p.platform.region)) {
      yield problem(
        `departments[${i}].region`,
        `"${d.region}" lies outside the platform's region ${p.platform.region}; a platform's departments are those of its region (another platform's are reached by connecting it)`,
      );
    }
  }
}

export function* competentDepartmentExists(p: Platform): Iterable<Problem> {
  const code = p.platform.competentDepartment;
  const competent = p.departments.find((d) => d.code === code);
  if (!competent) {
    yield problem(
      'platform.competentDepartment',
      `"${code}" is not the code of any of the departments (${listOf(p.departments.map((d) => d.code))})${otherCase(code, p.departments.map((d) => d.code), 'department')}`,
    );
  } else if (
    (competent.level !== p.platform.level || competent.region !== p.platform.region) &&
    levelOfRegion(p.platform.region) === p.platform.level &&
    levelOfRegion(competent.region) === competent.level
  ) {
    // The competent department for sharing (Art. 6) is the platform's own government's: it audits every
    // department's catalogues and supervises the platform. A county bureau named for a city platform (a
    // slip between two codes of one list) took both, with nothing to say so. (A region not of its level,
    // the platform's or the department's, is that region's problem; this one would only repeat it.)
    const ours = p.departments.filter((d) => d.level === p.platform.level && d.region === p.platform.region).map((d) => d.code);
    yield problem(
      'platform.competentDepartment',
      `"${code}" is a ${competent.level} department of ${competent.region}, but the competent department of this ${p.platform.level} platform is one of its own government's (level ${p.platform.level}, region ${p.platform.region})${ours.length ? `: ${listOf(ours)}` : ''}`,
    );
  }
}

/**
 * At least one purpose: a read of another department's data states one of the platform's purpose codes
 * (x-purpose), so on a platform listing none every such read was refused (`PURPOSE_REQUIRED`, then
 * `send one of: .`), whatever its catalogues share.
 */
export function* purposesListed(p: Platform): Iterable<Problem> {
  if (p.purposes.length === 0) yield noPurposeProblem();
}

/** Said for `purposes: []`, by this check and in place of the schema's own `minItems` refusal (platform.ts). */
export const noPurposeProblem = (): Problem => problem(
  'purposes',
  "lists no purpose, so no department could read another's data: each such read states one of these codes in its x-purpose header (and a share scope names them); list at least one, { code: a-purpose, name: What it is for }",
);

export function* purposeCodesUnique(p: Platform): Iterable<Problem> {
  for (const [i, first, code] of repeats(p.purposes, (x) => x.code)) {
    yield problem(`purposes[${i}].code`, `"${code}" is already the code of purposes[${first}]; purpose codes must be unique`);
  }
}
