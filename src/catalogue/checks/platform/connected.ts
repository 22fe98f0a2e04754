// Checks of a platform file's connected platforms: namespaces and type prefixes free, regions related
// and unique, urls usable and each a platform of its own.
import { levelOfRegion, withinRegion } from '../../../access/row-scope.ts';
import { platformBase, type ConnectedPlatform, type Platform } from '../../../model/platform.ts';
import { connectedTypePrefix, departmentTypeName, PLATFORM_QUERY_FIELDS, typeNameKey } from '../../names.ts';
import type { Problem } from '../../problems.ts';
import { problem, repeats } from '../util.ts';

export function* connectedNamespacesFree(p: Platform): Iterable<Problem> {
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
export function* connectedRegionsRelated(p: Platform): Iterable<Problem> {
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
export function* connectedUrlsUsable(p: Platform): Iterable<Problem> {
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
export function* connectedRegionsUnique(p: Platform): Iterable<Problem> {
  for (const [i, first, region] of repeats(p.connected, (c) => c.region)) {
    yield problem(`connected[${i}].region`, `"${region}" is already the region of connected[${first}]; list each connected platform once`);
  }
}

/**
 * One entry per url: the platform there has one region, and it is trusted as the region each entry names
 * (its forwarded tokens are verified with the keys at that url). A second entry let it forward departments
 * of the other region too, and the connecting side's namespace for one of them could never answer.
 */
export function* connectedUrlsUnique(p: Platform): Iterable<Problem> {
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
