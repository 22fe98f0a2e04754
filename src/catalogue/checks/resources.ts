// Checks of each resource's identity and place on the platform: provider, code, collection, key, related.
import { collectionOf, type Resource } from '../../model/catalogue.ts';
import { codeKey } from '../codes.ts';
import { collectionKey, reservedCollection } from '../collections.ts';
import type { CheckContext, CheckFamily, ResourceCheck } from './context.ts';
import { readingKey, sameReading } from './texts.ts';
import { listOf, otherCase, problem } from './util.ts';

const providerExists: ResourceCheck = function* (r, at, _i, ctx) {
  if (!ctx.department(r.provider)) {
    const codes = ctx.platform.departments.map((d) => d.code);
    yield problem(`${at}.provider`, `"${r.provider}" is not the code of any department of the platform (${listOf(codes)})${otherCase(r.provider, codes, 'department')}`);
  }
};

const providerIsCompiler: ResourceCheck = function* (r, at, _i, ctx) {
  const c = ctx.catalogue;
  if (c.kind === 'departmental' && r.provider !== c.compiler && ctx.department(r.provider) && ctx.department(c.compiler)) {
    yield problem(
      `${at}.provider`,
      `"${r.provider}" is not the compiler "${c.compiler}": every resource of a departmental catalogue is provided by its compiler (basic and subject catalogues may gather several providers)`,
    );
  }
};

/** One resource of the platform as the uniqueness checks see it: where it is, by a key of its own. */
interface Placed {
  index: number; // in this catalogue; -1 in another
  catalogue: string;
  code: string;
  provider: string;
  name: string;
}

/**
 * The platform's resources grouped by `keyOf`, this catalogue's first (in order), then the others': built
 * once per catalogue, so that each check looks up a few entries instead of scanning the platform.
 */
function grouped(ctx: CheckContext, cache: WeakMap<CheckContext, Map<string, Placed[]>>, keyOf: (r: Resource) => string) {
  let groups = cache.get(ctx);
  if (!groups) {
    groups = new Map();
    const add = (r: Resource, index: number, catalogue: string) => {
      const key = keyOf(r);
      const list = groups!.get(key) ?? [];
      list.push({ index, catalogue, code: r.code, provider: r.provider, name: r.name });
      groups!.set(key, list);
    };
    ctx.catalogue.resources.forEach((r, j) => add(r, j, ctx.catalogue.id));
    for (const c of ctx.others) for (const r of c.resources) add(r, -1, c.id);
    cache.set(ctx, groups);
  }
  return groups;
}
const byCode = new WeakMap<CheckContext, Map<string, Placed[]>>();
const byCollection = new WeakMap<CheckContext, Map<string, Placed[]>>();
const byProviderName = new WeakMap<CheckContext, Map<string, Placed[]>>();

// Compared by key (lower case): codes differing only in case would be one collection, one grant's
// resource to a reader, and two to the platform.
const codeUnique: ResourceCheck = function* (r, at, i, ctx) {
  const same = grouped(ctx, byCode, (x) => codeKey(x.code)).get(codeKey(r.code)) ?? [];
  const first = same.find((x) => x.index >= 0); // the first of this code in this catalogue
  const other = first && first.index < i ? first : same.find((x) => x.index < 0);
  if (!other) return;
  const where = other.index >= 0 ? `resources[${other.index}]` : `catalogue "${other.catalogue}"`;
  yield problem(
    `${at}.code`,
    other.code === r.code
      ? `"${r.code}" is already the code of a resource in ${where}; resource codes are unique on the platform`
      : `"${r.code}" is the code of a resource in ${where} ("${other.code}") in another case; resource codes are unique on the platform, whatever their case`,
  );
};

// Compared by key (case, Unicode form and whitespace as the stricter store compares them). Versions no
// longer in effect and races between publications are the store's bindings' part (collections.ts).
const collectionUnique: ResourceCheck = function* (r, at, i, ctx) {
  const mine = collectionOf(r);
  const same = grouped(ctx, byCollection, (x) => collectionKey(collectionOf(x))).get(collectionKey(mine)) ?? [];
  const clash = (x: Placed) => x.code !== r.code || x.provider !== r.provider;
  const earlier = same.find((x) => x.index >= 0 && x.index < i && clash(x))?.index ?? -1;
  const elsewhere = earlier >= 0 ? undefined : same.find((x) => x.index < 0 && clash(x));
  if (earlier >= 0 || elsewhere) {
    const where = earlier >= 0 ? `resources[${earlier}]` : `catalogue "${elsewhere!.catalogue}"`;
    yield problem(
      r.source?.collection ? `${at}.source.collection` : `${at}.code`,
      `the store collection "${mine}" is already used by a resource in ${where}; give source.collection another name`,
    );
  }
};

// A department's resources are told apart by their names: its type in the schema lists them side by side,
// and grants, requests and GraphiQL show each by its name. A second "Café registry" written with e and
// U+0301, with a zero-width space or in full-width letters (readingKey) looked like the first. A name
// written the same twice is accepted, as it always was (catalogues copied from one another do it).
const nameReadsApart: ResourceCheck = function* (r, at, i, ctx) {
  const same = (grouped(ctx, byProviderName, (x) => `${x.provider}\n${readingKey(x.name)}`).get(`${r.provider}\n${readingKey(r.name)}`) ?? []).filter((x) => x.name !== r.name);
  const other = same.find((x) => x.index >= 0 && x.index < i) ?? same.find((x) => x.index < 0 && codeKey(x.code) !== codeKey(r.code));
  if (!other) return;
  const where = other.index >= 0 ? `resources[${other.index}]` : `catalogue "${other.catalogue}"`;
  yield problem(`${at}.name`, `${sameReading(r.name, other.name, `resource ${other.code} (${where})`)}; the resources of one provider must be told apart by their names: choose another name`);
};

const collectionNotReserved: ResourceCheck = function* (r, at) {
  const why = reservedCollection(collectionOf(r));
  if (why) yield problem(r.source?.collection !== undefined ? `${at}.source.collection` : `${at}.code`, `"${collectionOf(r)}": ${why}`);
};

const keyItemRequired: ResourceCheck = function* (r, at) {
  const j = r.items.findIndex((item) => item.name === r.key);
  if (j < 0) {
    yield problem(`${at}.key`, `"${r.key}" is not an item of this resource (items: ${listOf(r.items.map((x) => x.name))})`);
  } else if (!r.items[j].required) {
    yield problem(`${at}.items[${j}].required`, `the key item "${r.key}" must be required: true`);
  }
};

const relatedExist: ResourceCheck = function* (r, at, _i, ctx) {
  for (const [k, code] of (r.related ?? []).entries()) {
    if (code === r.code) yield problem(`${at}.related[${k}]`, `"${code}" is this resource itself`);
    else if (!ctx.resource(code)) {
      yield problem(`${at}.related[${k}]`, `"${code}" is not a resource of this catalogue or of any catalogue in effect${otherCase(code, ctx.resourceCodes(), 'resource')}`);
    }
  }
};

export const resourceChecks: CheckFamily = {
  resource: [providerExists, providerIsCompiler, codeUnique, nameReadsApart, collectionNotReserved, collectionUnique, keyItemRequired, relatedExist],
};
