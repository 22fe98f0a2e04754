// Validation of catalogue documents (SPEC §4): the JSON Schema first, then every check family against
// the platform and the other catalogues in effect. An invalid document is refused whole, with every
// problem listed; a valid one comes back normalised.
import { catalogueIdKey, type Catalogue } from '../model/catalogue.ts';
import type { Platform } from '../model/platform.ts';
import { catalogueChecks } from './checks/catalogue.ts';
import { makeContext, type CheckFamily } from './checks/context.ts';
import { graphqlNameChecks } from './checks/graphql-names.ts';
import { itemChecks } from './checks/items.ts';
import { linkChecks } from './checks/links.ts';
import { resourceChecks } from './checks/resources.ts';
import { platformShareChecks, shareChecks } from './checks/share.ts';
import { textChecks } from './checks/texts.ts';
import { schemaProblems } from './json-schema.ts';
import type { Problem } from './problems.ts';
import { hiddenTextProblems, illFormedTextProblems, refusedKeyProblems } from './read/texts.ts';
import { MAX_CATALOGUE_RESOURCES, MAX_RESOURCE_ITEMS } from './limits.ts';

/** Every check family, applied in this order at each level. */
export const checkFamilies: readonly CheckFamily[] = [
  catalogueChecks,
  resourceChecks,
  graphqlNameChecks,
  itemChecks,
  linkChecks,
  shareChecks,
  textChecks,
];

export interface CatalogueResult {
  catalogue?: Catalogue;
  problems: Problem[];
}

/**
 * Validates one document. `others` are the catalogues in effect; one with the document's id is the
 * version being replaced and is not checked against.
 */
export function validateCatalogue(
  doc: unknown,
  platform: Platform,
  others: readonly Catalogue[],
  refusedInBatch?: ReadonlyMap<string, string>,
): CatalogueResult {
  const beyond = beyondBounds(doc);
  if (beyond.length) return { problems: beyond };
  const stored = asStored(doc);
  const problems = [...refusedKeyProblems(stored), ...illFormedTextProblems(stored), ...hiddenTextProblems(stored), ...schemaProblems('catalogue.schema.json', stored)];
  if (problems.length) return { problems };
  const catalogue = normalise(stored as Catalogue);
  problems.push(...semanticProblems(catalogue, platform, others, refusedInBatch));
  return problems.length ? { problems } : { catalogue, problems };
}

function semanticProblems(
  catalogue: Catalogue,
  platform: Platform,
  others: readonly Catalogue[],
  refusedInBatch?: ReadonlyMap<string, string>,
  families: readonly CheckFamily[] = checkFamilies,
): Problem[] {
  const ctx = makeContext(platform, catalogue, others, refusedInBatch);
  const out: Problem[] = [];
  for (const family of families) for (const check of family.catalogue ?? []) out.push(...check(ctx));
  for (const [i, r] of catalogue.resources.entries()) {
    const at = `resources[${i}]`;
    for (const family of families) for (const check of family.resource ?? []) out.push(...check(r, at, i, ctx));
    for (const [j, item] of r.items.entries()) {
      for (const family of families) for (const check of family.item ?? []) out.push(...check(item, `${at}.items[${j}]`, r, ctx));
    }
  }
  return out;
}

/**
 * What the catalogues in effect break of the checks that depend on the platform file (platformShareChecks),
 * checked against `platform`: they were checked against the platform file of the day each was validated,
 * and the operator may have changed it since (a department added, its region changed, a purpose removed).
 * Each problem's path names the catalogue and its message the resource: `catalogue "HB-MZT"
 * resources[0].share.scope.departments[0]: resource 130000-MZT-00001: "1301*" matches ...`. Those checks
 * read no other catalogue, so none is passed to them.
 */
export function platformMisfits(platform: Platform, catalogues: readonly Catalogue[]): Problem[] {
  return catalogues.flatMap((c) =>
    semanticProblems(c, platform, [], undefined, [platformShareChecks]).map((p) => {
      const index = /^resources\[(\d+)\]/.exec(p.path)?.[1];
      const resource = index === undefined ? undefined : c.resources[Number(index)]?.code;
      return { path: `catalogue "${c.id}" ${p.path}`, message: resource ? `resource ${resource}: ${p.message}` : p.message };
    }),
  );
}

/**
 * A document's resources, or a resource's items, beyond the bounds (limits.ts), counted before anything
 * else: the walks, the copy and the JSON Schema below each take time in the document's size, and a
 * catalogue of 10,000 resources (a JSON document, or one submitted) was refused only after them all.
 * Said as the JSON Schema says them. A YAML file's are refused while it is read (read.ts).
 */
function beyondBounds(doc: unknown): Problem[] {
  const resources = (doc as { resources?: unknown } | null)?.resources;
  if (!Array.isArray(resources)) return [];
  if (resources.length > MAX_CATALOGUE_RESOURCES) return [{ path: 'resources', message: `lists ${resources.length} entries; at most ${MAX_CATALOGUE_RESOURCES} allowed` }];
  return resources.flatMap((r: unknown, i) => {
    const items = (r as { items?: unknown } | null)?.items;
    return Array.isArray(items) && items.length > MAX_RESOURCE_ITEMS ? [{ path: `resources[${i}].items`, message: `lists ${items.length} entries; at most ${MAX_RESOURCE_ITEMS} allowed` }] : [];
  });
}

/**
 * The document as it will be stored (JSON): only its own fields, none inherited. Validation runs on this
 * copy, so a field that only a prototype carries (`"__proto__": {...}` from some parser) is missing here
 * as it would be in the store, and a required one is a problem.
 */
function asStored(doc: unknown): unknown {
  try {
    return doc === undefined ? undefined : (JSON.parse(JSON.stringify(doc)) as unknown);
  } catch {
    return doc; // not JSON at all (a cycle, a BigInt): the schema says what is wrong
  }
}

/** A copy with defaults made explicit: a personal or secret item without a mask gets `full`. */
function normalise(doc: Catalogue): Catalogue {
  const c = structuredClone(doc);
  for (const r of c.resources) {
    for (const item of r.items) {
      if (item.sensitivity && !item.mask) item.mask = 'full';
    }
  }
  return c;
}

/**
 * Validates several documents together: they may link to one another, and replace published catalogues
 * of the same ids. `published` are the catalogues in effect before the batch. One result per document,
 * in order; prefix each one's problems with its file (prefixProblems) when reporting them together.
 * `labels` name the documents in messages about one another (their files, for files.ts).
 */
export function validateCatalogues(
  docs: readonly unknown[],
  platform: Platform,
  published: readonly Catalogue[],
  labels: readonly string[] = docs.map((_, i) => `document ${i + 1} of this batch`),
): CatalogueResult[] {
  const shaped = docs.map((doc): CatalogueResult => {
    const beyond = beyondBounds(doc);
    if (beyond.length) return { problems: beyond };
    const stored = asStored(doc);
    const problems = [...refusedKeyProblems(stored), ...illFormedTextProblems(stored), ...hiddenTextProblems(stored), ...schemaProblems('catalogue.schema.json', stored)];
    return problems.length ? { problems } : { catalogue: stored as Catalogue, problems };
  });
  // Ids are compared ignoring case (catalogueIdKey): `hn-x` replaces the published `HN-X`, and is `HN-X` twice in one batch.
  const keyOf = (c: Catalogue) => catalogueIdKey(c.id);
  const batchIds = new Set(shaped.flatMap((s) => (s.catalogue ? [keyOf(s.catalogue)] : [])));
  const refused = refusedResourceCodes(docs, shaped, labels);
  return shaped.map((s, i): CatalogueResult => {
    if (!s.catalogue) return s;
    const id = keyOf(s.catalogue);
    const twin = shaped.findIndex((t) => t.catalogue !== undefined && keyOf(t.catalogue) === id);
    const problems: Problem[] =
      twin < i
        ? [{ path: 'id', message: `"${s.catalogue.id}" is also the id of document ${twin + 1} of this batch${shaped[twin].catalogue!.id === s.catalogue.id ? '' : ` ("${shaped[twin].catalogue!.id}": ids are compared ignoring case)`}; catalogue ids are unique` }]
        : [];
    const others = [
      ...published.filter((c) => keyOf(c) === id || !batchIds.has(keyOf(c))),
      ...shaped.flatMap((t, j) => (j !== i && t.catalogue && keyOf(t.catalogue) !== id ? [t.catalogue] : [])),
    ];
    const result = validateCatalogue(s.catalogue, platform, others, refused);
    problems.push(...result.problems);
    return problems.length ? { problems } : result;
  });
}

/**
 * The resource codes of the batch's documents refused before any check (a bad type name, a missing
 * field), each with where it is: the others' links to them are told so, not that no such resource exists.
 */
function refusedResourceCodes(docs: readonly unknown[], shaped: readonly CatalogueResult[], labels: readonly string[]): Map<string, string> {
  const refused = new Map<string, string>();
  shaped.forEach((s, i) => {
    if (s.catalogue) return;
    const resources = (docs[i] as { resources?: unknown } | null)?.resources;
    if (!Array.isArray(resources)) return;
    for (const r of resources as unknown[]) {
      const code = (r as { code?: unknown } | null)?.code;
      if (typeof code === 'string' && !refused.has(code)) refused.set(code, labels[i]!);
    }
  });
  return refused;
}
