// A link item's value checked as the item it links to holds its values (SPEC §4: a link resolves to the
// record of another resource whose `item` equals this value; that item need not be the other's key).
//
// What a department developer expects of the importer, decided here:
// - A link to the other resource's key: the key's spelling rules (keySpellingProblem), since keys are
//   refused in any other spelling (full-width, NFD, blanks around): such a value could never meet a record.
// - A link to the item of the other resource's row scope: the division code's spelling rules, for the same
//   reason (rowScopeValueProblem refuses the other spellings there).
// - A link to any other item: no spelling rule, since that item's values are stored as written (a name
//   with a blank before it is a value like any other), and a link may hold them too.
// - In each case the other item's own length, format and pattern, where they differ from this item's: a
//   value the other item refuses matches none of its records. A value no record holds yet is no problem.
// Each message says what the value is a link to.
import type { Item, Resource } from '../../model/catalogue.ts';
import type { Value } from '../../store/port.ts';
import { idCardSpelling } from '../../formats/idcard.ts';
import { CHECKS, keySpellingProblem, rowScopeValueProblem } from './checks.ts';

/** The resources a link may name (the published ones), by code. */
export type LinkedResources = (code: string) => Resource | undefined;

export interface LinkValueRule {
  /** The spelling problem of a converted value (checked first: it names the spelling to write), or undefined. */
  spelling(value: Value): string | undefined;
  /** The other item's own checks, or undefined. */
  check(value: Value): string | undefined;
}

/** The rule of `item`'s link, or undefined when the linked resource or item is unknown (a withdrawn one). */
export function linkValueRule(item: Item, linked: LinkedResources): LinkValueRule | undefined {
  const link = item.link!;
  const target = linked(link.resource);
  const targetItem = target?.items.find((i) => i.name === link.item);
  if (!target || !targetItem) return undefined;
  const ofKey = targetItem.name === target.key;
  const ofRows = target.share.scope?.rows?.item === targetItem.name;
  const what = `a link to ${ofKey ? 'the key' : 'the item'} ${targetItem.name} of ${target.code}`;
  // The other item's checks that say something this item's own do not (the same length, format or pattern once).
  const same = (name: string) => (name === 'length' ? item.length === targetItem.length : name === 'format' ? item.format === targetItem.format : item.pattern === targetItem.pattern);
  const checks = CHECKS.filter((c) => c.applies(targetItem) && !same(c.name));
  return {
    spelling(value) {
      if (ofKey) return keySpellingProblem(value, what);
      if (ofRows) return rowScopeValueProblem(value, `and ${what} holds division codes so written (its row scope), so it would meet no record`);
      return undefined;
    },
    check(value) {
      // An ID number is held with 'X' (record.ts) and linked in either spelling (resolvers/data/links.ts).
      const held = targetItem.format === 'idcard' && typeof value === 'string' ? idCardSpelling(value) : value;
      for (const c of checks) {
        const problem = c.check(held, targetItem);
        if (problem !== undefined) return `${problem}, as ${targetItem.name} of ${target.code} requires, so ${what} would meet no record`;
      }
      return undefined;
    },
  };
}
