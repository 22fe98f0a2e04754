// Checks of each item: names free within the resource, and the settings that only fit some item types
// (values for enums, length/format/pattern for strings, mask for personal or secret items).
import { FILTER_COMBINATORS, OBJECT_MEMBER_NAMES, PROMISE_MEMBER, promiseMemberMessage, STORE_ID_FIELD } from '../names.ts';
import { RECORD_OBJECTIONS_FIELD, RECORD_ORDER_FIELD } from '../../model/catalogue.ts';
import { enumValueName } from '../../model/names.ts';
import { compiledPattern } from '../../records/validate/checks.ts';
import { formatOf } from '../../formats/index.ts';
import type { CatalogueCheck, CheckFamily, ItemCheck, ResourceCheck } from './context.ts';
import { STRING_TYPES } from './context.ts';
import { problem, repeats } from './util.ts';

const itemNamesUnique: ResourceCheck = function* (r, at) {
  for (const [j, first, name] of repeats(r.items, (x) => x.name)) {
    yield problem(`${at}.items[${j}].name`, `"${name}" is already the name of items[${first}]; item names are unique in a resource`);
  }
};

// The embedded store names an item's index after the item, and SQLite compares index names without case:
// of two items differing only in case, the second would silently go unindexed.
const itemNamesDifferBeyondCase: ResourceCheck = function* (r, at) {
  const firstAt = new Map<string, number>();
  for (const [j, item] of r.items.entries()) {
    const f = firstAt.get(item.name.toLowerCase());
    if (f === undefined) firstAt.set(item.name.toLowerCase(), j);
    else if (r.items[f]!.name !== item.name) {
      // (the same name twice is itemNamesUnique's)
      yield problem(`${at}.items[${j}].name`, `"${item.name}" and the name of items[${f}] ("${r.items[f]!.name}") differ only in case; the embedded store would not index both: choose names that differ by more than case`);
    }
  }
};

const itemNameUsable: ItemCheck = function* (item, at) {
  if (FILTER_COMBINATORS.includes(item.name)) {
    yield problem(`${at}.name`, `"${item.name}" is taken by the filter's ${FILTER_COMBINATORS.join('/')} combinators; choose another item name`);
  } else if (item.name === RECORD_OBJECTIONS_FIELD) {
    yield problem(`${at}.name`, `"${item.name}" is the field every resource type has for the objections to a record; choose another item name`);
  } else if (['true', 'false', 'null'].includes(item.name)) {
    yield problem(`${at}.name`, `"${item.name}" cannot be a value of the resource's OrderField enum; choose another item name`);
  } else if (item.name === STORE_ID_FIELD) {
    yield problem(`${at}.name`, `"${item.name}" is the store's own identifier of a record; choose another item name`);
  } else if (item.name === RECORD_ORDER_FIELD) {
    yield problem(`${at}.name`, `"${item.name}" is the field the store keeps each record's place in a masked key's list in; choose another item name`);
  } else if (item.name === PROMISE_MEMBER) {
    yield problem(`${at}.name`, promiseMemberMessage('item name'));
  } else if (OBJECT_MEMBER_NAMES.includes(item.name)) {
    yield problem(`${at}.name`, `"${item.name}" is a property every JavaScript object has, and records are such objects; choose another item name`);
  }
};

const valuesOnlyOnEnum: ItemCheck = function* (item, at) {
  if (item.type !== 'enum' && item.values) {
    yield problem(`${at}.values`, `only an enum item has values; this item is ${item.type} (set type: enum or remove values)`);
  }
};

const enumValuesValid: ItemCheck = function* (item, at) {
  // The schema names each value in GraphQL's style (limited_liability -> LIMITED_LIABILITY): two values
  // may not end up with one name.
  const seen = new Map<string, number>();
  for (const [k, v] of (item.values ?? []).entries()) {
    if (['true', 'false', 'null'].includes(v)) {
      yield problem(`${at}.values[${k}]`, `"${v}" cannot be a GraphQL enum value (true, false and null are reserved)`);
      continue;
    }
    const name = enumValueName(v);
    const first = seen.get(name);
    if (first !== undefined) {
      yield problem(`${at}.values[${k}]`, `"${v}" and values[${first}] are both ${name} in the schema; make them differ by more than case or punctuation`);
    } else seen.set(name, k);
  }
};

const stringSettingsOnStrings: ItemCheck = function* (item, at) {
  if (STRING_TYPES.includes(item.type)) return;
  for (const setting of ['length', 'format', 'pattern'] as const) {
    const v = item[setting];
    if (v !== undefined) {
      yield problem(`${at}.${setting}`, `${setting} ${JSON.stringify(v)} applies only to string or text items; this item is ${item.type}`);
    }
  }
};

/**
 * An item's `length` leaves room for the values its format takes: `format: idcard` with `length: 10` was
 * accepted, and every ID number (18 characters) was then refused on import as longer than 10, the
 * catalogue's mistake found only in the records.
 */
const lengthFitsFormat: ItemCheck = function* (item, at) {
  if (item.length === undefined || item.format === undefined || !STRING_TYPES.includes(item.type)) return;
  const characters = formatOf(item.format).characters;
  if (characters !== undefined && item.length < characters) {
    yield problem(`${at}.length`, `${item.length} is shorter than the ${characters} characters every ${item.format} value has, so every valid value would be refused on import; make it at least ${characters}, or leave length out`);
  }
};

const patternCompiles: ItemCheck = function* (item, at) {
  if (item.pattern === undefined) return;
  try {
    compiledPattern(item.pattern); // as records will be checked against it
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: /, '');
    yield problem(`${at}.pattern`, `${JSON.stringify(item.pattern)} is not a valid regular expression: ${reason}`);
  }
};

const maskOnlyOnSensitive: ItemCheck = function* (item, at) {
  if (item.mask !== undefined && item.sensitivity === undefined) {
    yield problem(`${at}.mask`, `a mask applies only to personal or secret items; add sensitivity: personal (or secret), or remove the mask`);
  }
};

/**
 * A data element is written one way on the platform: repeated collection (SPEC §9) and the consistency
 * report (§14) find items by their element as written, so `de-0001` beside another department's published
 * `DE-0001` escaped both, silently. Compared as codes are (lower case; element codes are ASCII), against
 * the catalogues in effect, then the items before it in this one.
 */
const elementsSpelledAlike: CatalogueCheck = function* (ctx) {
  const first = new Map<string, { element: string; where: string }>();
  for (const c of ctx.others) {
    for (const r of c.resources) {
      for (const item of r.items) {
        const key = item.element?.toLowerCase();
        if (key !== undefined && !first.has(key)) first.set(key, { element: item.element!, where: `item ${item.name} of ${r.code}, catalogue "${c.id}"` });
      }
    }
  }
  for (const [i, r] of ctx.catalogue.resources.entries()) {
    for (const [j, item] of r.items.entries()) {
      if (item.element === undefined) continue;
      const key = item.element.toLowerCase();
      const holder = first.get(key);
      if (!holder) first.set(key, { element: item.element, where: `resources[${i}].items[${j}]` });
      else if (holder.element !== item.element) {
        yield problem(
          `resources[${i}].items[${j}].element`,
          `"${item.element}" is data element ${holder.element} (${holder.where}) in another case; write it ${holder.element}, so that repeated collection and the consistency report find it`,
        );
      }
    }
  }
};

export const itemChecks: CheckFamily = {
  catalogue: [elementsSpelledAlike],
  resource: [itemNamesUnique, itemNamesDifferBeyondCase],
  item: [itemNameUsable, valuesOnlyOnEnum, enumValuesValid, stringSettingsOnStrings, lengthFitsFormat, patternCompiles, maskOnlyOnSensitive],
};
