// Resource codes belong to their providers. A code, once published, names one department's data for
// good: grants, sharing requests, objections, demands and the audit log find a resource by its code, and
// its records stay in its collection after it leaves the platform (withdrawn, or superseded by a version
// without it). So, against every version ever published (published, superseded or withdrawn):
//
// - the code is written as it was first published (codes are compared in lower case, as their derived
//   collections are), and its provider stays the one it was first published with, whoever compiles;
// - a catalogue compiled by another department than the provider (a basic or subject catalogue, whose
//   lead department gathers several providers' resources, SPEC §2) may carry the provider's resource from
//   its first publication on and while the version in effect of that catalogue keeps it; in it the
//   compiler may keep or tighten the resource's share settings (type, methods, scope, an item's
//   sensitivity and mask), never widen them (widening.ts). Once dropped, only the provider publishes the
//   code again, in a catalogue it compiles, with the settings it chooses;
// - a code never published that lies in a department's space (its code and a dash) is that department's
//   (firstInProviderSpace);
// - its key item stays the one it was last published with, of the same type: the records in its collection are stored,
//   replaced and looked up by it under a unique index, and a version keyed by another item could not be
//   published (the store keeps the index it made, which the other item's index contradicts) nor find the
//   records already imported.
//
// Each rule is a named check of CODE_CHECKS. Problems come at `resources[i].code`, `.provider`, `.key`, or the
// share setting that widens; they refuse a document at `catalogue validate` (with a store), submission,
// publication and `catalogue import`, beside the collections' bindings (collections.ts, history.ts).
import { catalogueIdKey, type Catalogue, type Resource } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import type { Problem } from './problems.ts';
import type { PublicationRecord } from './repository/publication.ts';
import type { CatalogueVersions } from './repository/versions.ts';
import { widenings } from './widening.ts';

/** A code as codes are compared: lower case (codes are ASCII; SQLite's table names ignore case). */
export function codeKey(code: string): string {
  return code.toLowerCase();
}

/** One publication of a resource: in which catalogue version, compiled by whom. */
interface Publication {
  catalogue: string;
  version: number;
  compiler: string;
  resource: Resource;
}

/** A code's publications as the checks need them. */
interface CodeHistory {
  /** Its first publication: the code's spelling and provider for good. */
  first: Publication;
  /** Its latest publication. */
  last: Publication;
  /** The latest publication holding each item name. */
  items: Map<string, Publication>;
}

/** Every code ever published, by key, from the versions ever published (oldest publication first). */
async function codeHistories(versions: CatalogueVersions): Promise<Map<string, CodeHistory>> {
  const out = new Map<string, CodeHistory>();
  for (const v of await versions.everPublished()) {
    for (const resource of v.catalogue.resources) {
      const p: Publication = { catalogue: v.id, version: v.version, compiler: v.catalogue.compiler, resource };
      const key = codeKey(resource.code);
      const h = out.get(key) ?? { first: p, last: p, items: new Map<string, Publication>() };
      h.last = p;
      for (const item of resource.items) h.items.set(item.name, p);
      out.set(key, h);
    }
  }
  return out;
}

interface CodeContext {
  platform: Platform;
  catalogue: Catalogue;
  /** The resources of the version of this catalogue in effect, by code: what a new version keeps. */
  kept: ReadonlyMap<string, Publication>;
}

/** `at` is the resource's path, `resources[i]`; `h` the history of its code. */
type CodeCheck = (r: Resource, at: string, h: CodeHistory, ctx: CodeContext) => Iterable<Problem>;

const where = (p: Publication) => `catalogue "${p.catalogue}" version ${p.version}`;
/** The code and provider are the first publication's: the checks of who may publish it apply. */
const owned = (r: Resource, h: CodeHistory) => r.code === h.first.resource.code && r.provider === h.first.resource.provider;

const spelledAsPublished: CodeCheck = function* (r, at, h) {
  const code = h.first.resource.code;
  if (r.code !== code) {
    yield { path: `${at}.code`, message: `"${r.code}" is resource code ${code} in another case; a resource code is written as it was first published, and belongs to its provider for good` };
  }
};

const providerKept: CodeCheck = function* (r, at, h) {
  const { resource: first } = h.first;
  if (r.provider !== first.provider) {
    yield {
      path: `${at}.provider`,
      message: `resource ${first.code} was first published with provider ${first.provider} (${where(h.first)}) and belongs to it for good; it cannot be provided by ${r.provider}: give the resource a code of its own`,
    };
  }
};

/** Another department's catalogue carries the code only while its version in effect keeps it. */
const republishedByProvider: CodeCheck = function* (r, at, h, ctx) {
  const compiler = ctx.catalogue.compiler;
  if (!owned(r, h) || compiler === r.provider || ctx.kept.has(r.code)) return;
  yield {
    path: `${at}.code`,
    message: `resource ${r.code} of ${r.provider} was last published by catalogue "${h.last.catalogue}" (version ${h.last.version}, compiled by ${h.last.compiler}); only ${r.provider} may publish it again, in a catalogue it compiles, and this one is compiled by ${compiler}`,
  };
};

/** Another department's catalogue keeps or tightens the provider's share settings, never widens them. */
const sharingNotWidened: CodeCheck = function* (r, at, h, ctx) {
  const compiler = ctx.catalogue.compiler;
  const kept = ctx.kept.get(r.code);
  if (!owned(r, h) || compiler === r.provider || !kept) return;
  const itemBefore = (name: string) => (kept.resource.items.some((i) => i.name === name) ? kept : h.items.get(name));
  for (const w of widenings(ctx.platform, r, kept, itemBefore)) {
    yield {
      path: `${at}.${w.path}`,
      message: `${w.what}; resource ${r.code} of ${r.provider} was last published by catalogue "${w.against.catalogue}" (version ${w.against.version}); a catalogue compiled by ${compiler} may keep or tighten another department's share settings, only the provider ${r.provider} may widen them, in a catalogue it compiles`,
    };
  }
};

/** The records are keyed by the item the resource was last published with. */
const keyKept: CodeCheck = function* (r, at, h) {
  const { resource: last } = h.last;
  if (r.key !== last.key) {
    yield {
      path: `${at}.key`,
      message: `resource ${last.code} was last published keyed by ${last.key} (${where(h.last)}); its records are stored and found by that item, so it keeps it: to key the records by ${r.key}, publish them as a resource with a code of its own`,
    };
    return;
  }
  // Its type too: the stored keys are values of the last type ("SJZ-001"), which a key of another type
  // (int) never finds; published, every record read its key as null with CONFLICT, lookups found none, and
  // records imported again under keys of the new type stood beside the old ones for good.
  const was = last.items.find((i) => i.name === last.key)?.type;
  const keyAt = r.items.findIndex((i) => i.name === r.key);
  const is = r.items[keyAt]?.type;
  if (was !== undefined && is !== undefined && is !== was) {
    yield {
      path: `${at}.items[${keyAt}].type`,
      message: `${r.key} is the key of resource ${last.code}, last published as ${was} (${where(h.last)}); its records are stored and found by their ${was} keys, so it keeps that type: to key the records by ${is} values, publish them as a resource with a code of its own`,
    };
  }
};

const CODE_CHECKS: readonly CodeCheck[] = [spelledAsPublished, providerKept, republishedByProvider, sharingNotWidened, keyKept];

/**
 * A code's first publication: a code in a department's space (that department's code and a dash, in any
 * case: 430000-GA-00001, SPEC §4) is that department's to publish, written as the platform file writes
 * its code. Without this rule a department took codes in another's space (510000-GAT first publishing
 * 510100-GAJ-00009): the code was then the first publisher's for good (providerKept), the department it
 * reads as could never publish it, and grants, requests and the audit log named that department's code
 * for another's data. A code in no listed department's space (that of a department since reorganised
 * under another code, say) is nobody's, and is taken. Codes published before keep their history's checks.
 */
/**
 * The department in whose code space `code` lies (its department code and a dash, compared in lower case),
 * or undefined: the longest code whose space it is, so 510000-GA-… is Land Office's even where 510000-GAT
 * is listed too. A code never published in a department's space is that department's to publish.
 */
export function codeSpaceOwner(platform: Pick<Platform, 'departments'>, code: string): Platform['departments'][number] | undefined {
  const key = codeKey(code);
  return platform.departments
    .filter((d) => key.startsWith(`${codeKey(d.code)}-`))
    .sort((a, b) => b.code.length - a.code.length)[0];
}

function* firstInProviderSpace(r: Resource, at: string, platform: Platform): Iterable<Problem> {
  if (r.code.startsWith(`${r.provider}-`) || !platform.departments.some((d) => d.code === r.provider)) return;
  const owner = codeSpaceOwner(platform, r.code);
  if (!owner) return;
  const suffix = r.code.slice(owner.code.length + 1);
  yield {
    path: `${at}.code`,
    message:
      owner.code === r.provider
        ? `"${r.code}" writes the provider's code in another case; write it as the platform file does: ${r.provider}-${suffix}`
        : `"${r.code}" is in the code space of ${owner.code} (${owner.name}), not of its provider ${r.provider}: a new code in a department's space is that department's to publish (write ${r.provider}-${suffix}, or a code in no department's space)`,
  };
}

/**
 * Problems of a catalogue's resource codes against every version ever published; changes nothing.
 * `versions`: the action's reader, when it has read (or will read) those versions anyway.
 */
export async function codeProblems(platform: Platform, catalogue: Catalogue, versions: CatalogueVersions): Promise<Problem[]> {
  const histories = await codeHistories(versions);
  const current = (await versions.published()).find((v) => catalogueIdKey(v.id) === catalogueIdKey(catalogue.id)); // its id in any case
  const kept = new Map<string, Publication>();
  if (current?.catalogue.compiler === catalogue.compiler) {
    for (const resource of current.catalogue.resources) kept.set(resource.code, { catalogue: current.id, version: current.version, compiler: catalogue.compiler, resource });
  }
  const ctx: CodeContext = { platform, catalogue, kept };
  const out: Problem[] = [];
  catalogue.resources.forEach((r, i) => {
    const h = histories.get(codeKey(r.code));
    if (h) for (const check of CODE_CHECKS) out.push(...check(r, `resources[${i}]`, h, ctx));
    else out.push(...firstInProviderSpace(r, `resources[${i}]`, platform));
  });
  return out;
}

/**
 * codeProblems where nothing was ever published (`catalogue validate` on a machine with no store): every
 * code is at its first publication, so each lies in its provider's space. Without it, validate said ok to
 * a code in another department's space, or the provider's code in another case, that import then refused.
 */
export function firstPublicationProblems(platform: Platform, catalogue: Catalogue): Problem[] {
  return catalogue.resources.flatMap((r, i) => [...firstInProviderSpace(r, `resources[${i}]`, platform)]);
}

/** The resources of `catalogue` whose codes (compared as codes are: codeKey) no catalogue of `inEffect` has. */
export function broughtIntoEffect(catalogue: Catalogue, inEffect: readonly Catalogue[]): PublicationRecord['brought'] {
  const earlier = new Set(inEffect.flatMap((c) => c.resources.map((r) => codeKey(r.code))));
  return catalogue.resources.filter((r) => !earlier.has(codeKey(r.code))).map((r) => ({ code: r.code, provider: r.provider }));
}
