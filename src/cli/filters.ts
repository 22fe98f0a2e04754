// The filters of the list commands: `--resource` (objection list, request list, grant list, usage),
// `--requester` (grant list), `--compiler` (catalogue list) and `--element` (consistency report). A code in
// another case is the one the platform knows, as the workflow's lookups find it. A code the platform never
// knew is refused in one line naming it: answered with an empty list ("0 objections"), a typing slip read
// as "none yet". Known is wider than "in effect": a withdrawn resource's objections and grants, and a
// department the platform file no longer lists, keep their entries, and stay listable.
import { publishedCatalogues } from '../catalogue/repository/versions.ts';
import type { Catalogue } from '../model/catalogue.ts';
import type { Store } from '../store/port.ts';
import { everPublishedCatalogues, everPublishedCode } from '../workflow/resource-info.ts';
import { requireShownCode, UserError } from './options.ts';

const SHOWN = 20;

/** Codes for a refusal: sorted, the first few, and how many more there are. */
function some(codes: Iterable<string>): string {
  const sorted = [...new Set(codes)].sort();
  return sorted.length <= SHOWN ? sorted.join(', ') : `${sorted.slice(0, SHOWN).join(', ')} and ${sorted.length - SHOWN} more`;
}

/** `--resource CODE` as the resource was published (in any case), or a refusal when it never was. */
export async function resourceFilter(store: Store, code: string, inEffect?: readonly Catalogue[]): Promise<string> {
  requireShownCode('--resource', code);
  const catalogues = inEffect ?? (await publishedCatalogues(store));
  const found = await everPublishedCode(store, catalogues, code);
  if (found !== null) return found;
  const published = catalogues.flatMap((c) => c.resources.map((r) => r.code));
  throw new UserError(
    `--resource ${code}: no resource of that code was ever published on this platform; ` +
      (published.length ? `its published resources are: ${some(published)}` : 'no catalogue is published yet'),
  );
}

/**
 * A department code given to a filter (`option`), as the platform file lists it or as the store holds it
 * (`held`: a department no longer listed keeps its entries), in any case; a refusal when neither knows it.
 */
export function departmentFilter(option: string, code: string, listed: readonly string[], held: Iterable<string>, what: string): string {
  requireShownCode(option, code);
  const trimmed = code.trim();
  const known = [...listed, ...held];
  if (known.includes(trimmed)) return trimmed;
  const key = trimmed.toLowerCase();
  const found = known.find((k) => k.toLowerCase() === key);
  if (found !== undefined) return found;
  throw new UserError(`${option} ${code}: no such department on the platform, and no ${what} names it; its departments are: ${some(listed)}`);
}

/** `--element CODE` as a resource ever published writes it (in any case), or a refusal when none carries it. */
export async function elementFilter(store: Store, element: string): Promise<string> {
  requireShownCode('--element', element);
  const catalogues = [...(await publishedCatalogues(store)), ...(await everPublishedCatalogues(store))];
  const elements = new Set(catalogues.flatMap((c) => c.resources.flatMap((r) => r.items.flatMap((i) => (i.element ? [i.element] : [])))));
  const key = element.trim().toLowerCase();
  if ([...elements].some((e) => e.toLowerCase() === key)) return element;
  throw new UserError(
    `--element ${element}: no published resource has an item of that data element; ` +
      (elements.size ? `the elements published are: ${some(elements)}` : 'no published resource names a data element'),
  );
}
