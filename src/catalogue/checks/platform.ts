// Checks of a platform file beyond its JSON Schema: each a named function yielding problems; the list
// `platformChecks` is applied in order by validatePlatform.
import { levelOfRegion, regionPrefix, withinRegion } from '../../access/row-scope.ts';
import { closingMs, platformBase, DEFAULT_DRAIN_DELAY_MS, DEFAULT_SHUTDOWN_TIMEOUT_MS, type ConnectedPlatform, type Level, type Platform } from '../../model/platform.ts';
import { connectedTypePrefix, departmentTypeName, PLATFORM_QUERY_FIELDS, PROMISE_MEMBER, promiseMemberMessage, typeNameKey } from '../names.ts';
import type { Problem } from '../problems.ts';
import { readingKey, sameReading, shown } from './texts.ts';
import { listOf, problem, repeats } from './util.ts';

export type PlatformCheck = (p: Platform) => Iterable<Problem>;

function* departmentCodesUnique(p: Platform): Iterable<Problem> {
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

function* graphqlNamesUnique(p: Platform): Iterable<Problem> {
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

function* graphqlNamesNotPlatformFields(p: Platform): Iterable<Problem> {
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
function* platformRegionOfItsLevel(p: Platform): Iterable<Problem> {
  yield* regionOfLevel('platform.region', p.platform.region, p.platform.level, 'platform.level', p);
}

function* departmentRegionsOfTheirLevels(p: Platform): Iterable<Problem> {
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
  // `city` and `City` are two fields but one type prefix: stitching would merge the two platforms' types.
  // `fz` and `fZ` give Fz_ and FZ_, two prefixes, but type names are unique ignoring case (typeNameKey):
  // a typed client's PascalCase names merge Fz_Permit and FZ_Permit, as the catalogue checks say of a
  // resource type under a prefix (checks/graphql-names.ts). So prefixes are compared by that key.
  const prefixKey = (c: ConnectedPlatform) => typeNameKey(connectedTypePrefix(c.namespace));
  for (const [i, first] of repeats(p.connected, prefixKey)) {
    const [ns, other] = [p.connected[i]!.namespace, p.connected[first]!.namespace];
    if (ns === other) continue; // the same namespace twice, said above
    const [prefix, otherPrefix] = [connectedTypePrefix(ns), connectedTypePrefix(other)];
    yield problem(
      `connected[${i}].namespace`,
      prefix === otherPrefix
        ? `"${ns}" gives its types the prefix ${prefix} as "${other}" of connected[${first}] does; choose namespaces that differ in more than the case of their first letter`
        : `"${ns}" gives its types the prefix ${prefix}, which differs only in case from ${otherPrefix}, the prefix of "${other}" of connected[${first}] (typed clients' PascalCase type names would merge their types); choose namespaces that differ in more than case`,
    );
  }
  // `city` and `city_X` give City_ and City_X_: a type X_Permit of the first and Permit of the second would merge.
  for (const [i, c] of p.connected.entries()) {
    const prefix = connectedTypePrefix(c.namespace);
    const first = p.connected.findIndex((o) => prefixKey(o) !== prefixKey(c) && typeNameKey(prefix).startsWith(prefixKey(o)));
    if (first < 0) continue;
    const [other, shorter] = [p.connected[first]!.namespace, connectedTypePrefix(p.connected[first]!.namespace)];
    yield problem(
      `connected[${i}].namespace`,
      `"${c.namespace}" gives its types the prefix ${prefix}, which starts with ${shorter}${prefix.startsWith(shorter) ? '' : ' (ignoring case)'}, the prefix of "${other}" of connected[${first}]: `
        + `a type ${prefix.slice(shorter.length)}Permit there and Permit here would both be ${prefix}Permit; choose a namespace that does not start with another's and _`,
    );
  }
  for (const [i, c] of p.connected.entries()) {
    const dept = p.departments.findIndex((d) => d.graphqlName === c.namespace);
    if (dept >= 0) {
      yield problem(`connected[${i}].namespace`, `"${c.namespace}" is already the graphqlName of departments[${dept}]; choose another namespace`);
    } else if (PLATFORM_QUERY_FIELDS.includes(c.namespace)) {
      yield problem(`connected[${i}].namespace`, `"${c.namespace}" is a field the platform itself defines on Query; choose another namespace`);
    }
    const prefix = connectedTypePrefix(c.namespace);
    for (const [j, d] of p.departments.entries()) {
      // Ignoring case, as type names are unique (typeNameKey): FZ_xResources beside the connected fz's Fz_XResources.
      const type = departmentTypeName(d.graphqlName);
      if (typeNameKey(type).startsWith(typeNameKey(prefix))) {
        yield problem(`departments[${j}].graphqlName`, `"${d.graphqlName}" gives the type ${type}, which starts with ${prefix}${type.startsWith(prefix) ? '' : ' (ignoring case)'}, the prefix of the types of connected[${i}] (${c.namespace}); choose another name`);
      }
    }
    if (c.region === p.platform.region) {
      yield problem(`connected[${i}].region`, `"${c.region}" is this platform's own region; a connected platform serves another region`);
    }
  }
}

/**
 * A connected platform serves a region related to this one by the prefix rule (Art. 15: a city is
 * connected to its province, a county to its city): one lies within the other. Its region is also what
 * this platform accepts of it (a forwarded department must lie within it, src/identity/forwarded.ts), so
 * "000000", whose prefix is empty, would let the platform at that url forward a department of any region,
 * and an unrelated region ("520100" listed by 510000) is a typing slip or not Art. 15's connection.
 */
function* connectedRegionsRelated(p: Platform): Iterable<Problem> {
  const own = p.platform.region;
  if (!levelOfRegion(own)) return; // platformRegionOfItsLevel says so
  for (const [i, c] of p.connected.entries()) {
    if (c.region === own) continue; // connectedNamespacesFree says so
    if (!levelOfRegion(c.region)) {
      yield problem(`connected[${i}].region`, `"${c.region}" is not the code of an administrative division (two digits of a province, then two of a city and two of a county)`);
    } else if (!withinRegion(c.region, own) && !withinRegion(own, c.region)) {
      yield problem(
        `connected[${i}].region`,
        `"${c.region}" neither lies within this platform's region ${own} nor contains it; a platform is connected to the platform of the region it lies within (a city to its province, a county to its city) and to those of the regions within it`,
      );
    }
  }
}

/**
 * A connected platform's url is its gateway's address: http or https, a host and a port, and a path
 * where a proxy serves the gateway under a prefix (`https://sc.example/govgraph`), with or without
 * `/graphql` at its end; the schema, the data and the keys are all asked under that path. A user name and
 * password would be written to the log and `platform status`, a query or fragment be sent with every
 * request or dropped.
 */
function* connectedUrlsUsable(p: Platform): Iterable<Problem> {
  for (const [i, c] of p.connected.entries()) {
    let url: URL;
    try {
      url = new URL(c.url);
    } catch {
      // The JSON Schema's format took it (a port past 65535, say), but no request can be made to it.
      yield problem(`connected[${i}].url`, `"${c.url}" is not a valid URL (a port is a number from 1 to 65535); give the gateway's address like "https://changsha.example"`);
      continue;
    }
    const path = `connected[${i}].url`;
    // The address to write instead keeps a proxy's path prefix (without `/graphql`, which may be left out):
    // `https://sc.example` would ask the proxy's root, not the gateway under its prefix.
    const address = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '').replace(/\/graphql$/i, '')}`;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      yield problem(path, `"${c.url}" is a ${url.protocol.slice(0, -1)} URL; a connected platform's gateway is reached over https:// (or http:// on a trusted network)`);
    } else if (url.username || url.password) {
      yield problem(path, `"${c.url}" holds a user name or password, which connected platforms do not use (they trust each other by signed requests) and which would be written to the log; give the address without it (${address})`);
    } else if (url.search || url.hash || c.url.includes('?') || c.url.includes('#')) {
      yield problem(path, `"${c.url}" has a query or fragment; give the gateway's address without it (${address})`);
    } else if (/\/graphql\/*$/i.test(url.pathname) && !/\/graphql\/*$/.test(url.pathname)) {
      // Only /graphql is taken off the path: /GraphQL would be taken for a proxy's prefix, and asked at /GraphQL/graphql.
      yield problem(path, `"${c.url}" ends in ${url.pathname.replace(/\/+$/, '').split('/').pop()}; a gateway is asked at /graphql, in lower case: write it so, or leave it out`);
    }
  }
}

/** One entry per connected platform: its keys and its requests are found by region, so a second listing would shadow the first. */
function* connectedRegionsUnique(p: Platform): Iterable<Problem> {
  for (const [i, first, region] of repeats(p.connected, (c) => c.region)) {
    yield problem(`connected[${i}].region`, `"${region}" is already the region of connected[${first}]; list each connected platform once`);
  }
}

/**
 * One entry per url: the platform there has one region, and it is trusted as the region each entry names
 * (its forwarded tokens are verified with the keys at that url). A second entry let it forward departments
 * of the other region too, and the connecting side's namespace for one of them could never answer.
 */
function* connectedUrlsUnique(p: Platform): Iterable<Problem> {
  for (const [i, first] of repeats(p.connected, sameAddress)) {
    yield problem(`connected[${i}].url`, `"${p.connected[i]!.url}" is the address of connected[${first}] (region ${p.connected[first]!.region}) too; a platform serves one region: list each connected platform once, at its own url`);
  }
}

/**
 * A connected platform's address as compared: scheme, host and port as URL normalises them, and its path.
 * URL leaves two spellings of one address apart, which are joined here: a host name's final dot
 * (`changsha.example.` is the fully qualified `changsha.example`) and a path's percent-encoded letters,
 * digits and `-._~` (`/%67ov` is `/gov` to every server).
 */
function sameAddress(c: ConnectedPlatform): string {
  try {
    const url = new URL(platformBase(c));
    const host = url.hostname.replace(/\.$/, '') + (url.port ? `:${url.port}` : '');
    const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
      const ch = String.fromCharCode(parseInt(hex, 16));
      return /[A-Za-z0-9._~-]/.test(ch) ? ch : m.toUpperCase();
    });
    return `${url.protocol}//${host}${path.replace(/\/+$/, '')}`;
  } catch {
    return c.url; // not a URL: its own check says so
  }
}

/**
 * The drain's delay ends before its deadline (src/server/app.ts): the process would otherwise exit while
 * /readyz still says 503, never refusing new connections nor letting requests in flight finish.
 */
function* drainDelayWithinShutdown(p: Platform): Iterable<Problem> {
  const delay = p.server?.drainDelayMs;
  const timeout = p.server?.shutdownTimeoutMs;
  if (delay === undefined && timeout === undefined) return;
  const d = delay ?? DEFAULT_DRAIN_DELAY_MS;
  const t = timeout ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const room = t - closingMs(t);
  if (d < room) return;
  yield delay !== undefined
    ? problem('server.drainDelayMs', `${d} ms leaves no time for the requests in flight within server.shutdownTimeoutMs (${t} ms${timeout === undefined ? ', the default' : ''}), whose last ${closingMs(t)} ms close what is still open; make it less than ${room} ms, or shutdownTimeoutMs longer`)
    : problem('server.shutdownTimeoutMs', `${t} ms is not longer than the default server.drainDelayMs (${d} ms) plus ${closingMs(t)} ms to close what is still open; make it longer than ${d + closingMs(t)} ms, or set drainDelayMs shorter`);
}

/**
 * Each of `server.corsOrigins` is one origin, compared exactly with a browser's `Origin` (server/http/cors.ts).
 * The schema's pattern took `https://*.example.gov.cn` (a `*` is a host's letter to URL, and no browser sends
 * it: the portals of every subdomain were refused, with nothing to say why), a port past 65535 (kept as
 * written, matching nothing), and a user name, query or fragment, which the origin drops without a word.
 */
function* corsOriginsAreOrigins(p: Platform): Iterable<Problem> {
  for (const [i, origin] of (p.server?.corsOrigins ?? []).entries()) {
    const path = `server.corsOrigins[${i}]`;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      yield problem(path, `"${origin}" is not an origin (a port is a number from 1 to 65535); write scheme://host[:port] as the page's browser sends it, like "https://portal.example.gov.cn"`);
      continue;
    }
    if (url.hostname.includes('*')) {
      yield problem(path, `"${origin}" holds a wildcard, which no browser's Origin matches (it names the page's own host); list each origin whose pages may call, like "${url.protocol}//${url.hostname.replace(/^(\*\.)+/, 'portal.').replaceAll('*', 'portal')}"`);
    } else if (url.username || url.password || url.search || url.hash || origin.includes('?') || origin.includes('#')) {
      yield problem(path, `"${origin}" holds more than an origin (a user name, query or fragment), which a browser's Origin never has; write ${url.origin}`);
    }
  }
}

/**
 * `require` trusts only the documents of the manifests, and the list of manifests is read at start alone
 * (their contents are read again when they change, not the list): with none, the gateway started without
 * a word and refused every document, introspection too, until the file was changed and it was restarted.
 */
function* requiredDocumentsHaveManifests(p: Platform): Iterable<Problem> {
  const t = p.trustedDocuments;
  if (t?.mode !== 'require' || t.manifests.length > 0) return;
  yield problem(
    'trustedDocuments.manifests',
    'mode require runs only the documents of the manifests, and none is listed, so every document would be refused; list the persisted-documents.json of the clients you accept, or use mode log to see which clients send what',
  );
}

/** Names people read (the platform's, each department's, each purpose's) show something (checks/texts.ts). */
function* namesShown(p: Platform): Iterable<Problem> {
  yield* shown(p.platform.name, 'platform.name', "platform's name");
  for (const [i, d] of p.departments.entries()) yield* shown(d.name, `departments[${i}].name`, "department's name");
  for (const [i, x] of p.purposes.entries()) yield* shown(x.name, `purposes[${i}].name`, "purpose's name");
}

/**
 * Names people choose among (a department's, a purpose's) that differ as written differ as read too
 * (readingKey): a second "Café Bureau" written with e and U+0301, or with a zero-width space, was a second
 * department that GraphiQL's descriptions, a grant's or request's view and the audit log showed under the
 * same name as the first, one a person could not tell was another. A name written twice the same is
 * plainly one name used twice, and was always accepted (two counties' bureaus may share one): it stays so,
 * so that no platform file that loaded before is refused for it.
 */
function* namesDistinct(p: Platform): Iterable<Problem> {
  const lists = [
    { list: p.departments, at: 'departments', what: 'department' },
    { list: p.purposes, at: 'purposes', what: 'purpose' },
  ];
  for (const { list, at, what } of lists) {
    for (const [i, first] of repeats(list, (x: { name: string }) => readingKey(x.name))) {
      const [mine, other] = [list[i]!, list[first]!];
      if (mine.name === other.name) continue;
      yield problem(
        `${at}[${i}].name`,
        `${sameReading(mine.name, other.name, `${at}[${first}] (${other.code})`)}; ${what} names must be told apart by people: choose another name`,
      );
    }
  }
}

export const platformChecks: readonly PlatformCheck[] = [
  platformRegionOfItsLevel,
  departmentRegionsOfTheirLevels,
  departmentCodesUnique,
  graphqlNamesUnique,
  graphqlNamesNotPlatformFields,
  competentDepartmentExists,
  purposeCodesUnique,
  connectedNamespacesFree,
  connectedRegionsRelated,
  connectedRegionsUnique,
  connectedUrlsUsable,
  connectedUrlsUnique,
  drainDelayWithinShutdown,
  corsOriginsAreOrigins,
  requiredDocumentsHaveManifests,
  namesShown,
  namesDistinct,
];
