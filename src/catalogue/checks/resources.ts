// Checks of each resource's identity and place on the platform: provider, code, collection, key, related.
import { collectionOf } from '../../model/catalogue.ts';
import { collectionKey, reservedCollection } from '../collections.ts';
import type { CheckFamily, ResourceCheck } from './context.ts';
import { listOf, problem } from './util.ts';

const providerExists: ResourceCheck = function* (r, at, _i, ctx) {
  if (!ctx.department(r.provider)) {
    yield problem(`${at}.provider`, `"${r.provider}" is not the code of any department of the platform (${listOf(ctx.platform.departments.map((d) => d.code))})`);
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

const codeUnique: ResourceCheck = function* (r, at, i, ctx) {
  const earlier = ctx.catalogue.resources.findIndex((x) => x.code === r.code);
  const elsewhere = ctx.others.find((c) => c.resources.some((x) => x.code === r.code));
  const where = earlier < i ? `resources[${earlier}]` : elsewhere ? `catalogue "${elsewhere.id}"` : undefined;
  if (where) {
    yield problem(`${at}.code`, `"${r.code}" is already the code of a resource in ${where}; resource codes are unique on the platform`);
  }
};

// Compared by key (case, Unicode form and whitespace as the stricter store compares them). Versions no
// longer in effect and races between publications are the store's bindings' part (collections.ts).
const collectionUnique: ResourceCheck = function* (r, at, i, ctx) {
  const mine = collectionOf(r);
  const key = collectionKey(mine);
  const clash = (x: typeof r) => (x.code !== r.code || x.provider !== r.provider) && collectionKey(collectionOf(x)) === key;
  const earlier = ctx.catalogue.resources.findIndex((x, j) => j < i && clash(x));
  const elsewhere = earlier >= 0 ? undefined : ctx.others.find((c) => c.resources.some(clash));
  if (earlier >= 0 || elsewhere) {
    const where = earlier >= 0 ? `resources[${earlier}]` : `catalogue "${elsewhere!.id}"`;
    yield problem(
      r.source?.collection ? `${at}.source.collection` : `${at}.code`,
      `the store collection "${mine}" is already used by a resource in ${where}; give source.collection another name`,
    );
  }
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
      yield problem(`${at}.related[${k}]`, `"${code}" is not a resource of this catalogue or of any catalogue in effect`);
    }
  }
};

export const resourceChecks: CheckFamily = {
  resource: [providerExists, providerIsCompiler, codeUnique, collectionNotReserved, collectionUnique, keyItemRequired, relatedExist],
};
