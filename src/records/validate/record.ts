// One record validated (validate.ts): a store row, or the problems naming its line, item and what was
// expected.
import type { Item, Resource } from '../../model/catalogue.ts';
import type { Row } from '../../store/port.ts';
import { WrittenNumber } from '../../formats/decimal.ts';
import { CHECKS, keySpellingProblem, rowScopeValueProblem } from './checks.ts';
import { linkValueRule, type LinkedResources, type LinkValueRule } from './links.ts';
import { idCardSpelling } from '../../formats/idcard.ts';
import { Failed, TYPE_BY_NAME } from './conversions.ts';
import { show } from './show.ts';
import { itemTitled, titleOf } from './titles.ts';

function isMissing(value: unknown, item: Item): boolean {
  return value === undefined || value === null || (value === '' && item.type !== 'string' && item.type !== 'text');
}

interface Validated {
  row?: Row;
  problems: string[];
  /**
   * The key item's converted value when the key itself passed its checks, also in a record refused for
   * another item: the import tells a key written twice whatever else is wrong with either record.
   */
  key?: Row[string];
}

/** One record's validation, made once for a resource: `validate(input, line)`. */
type RecordValidator = (input: Record<string, unknown>, line: number) => Validated;

/**
 * The validation of `resource`'s records, with each item's converter and checks looked up once (the
 * import calls it once a record). See validateRecord for what it does.
 */
export function recordValidator(resource: Resource, options: { fromText?: boolean; linked?: LinkedResources } = {}): RecordValidator {
  const fromText = options.fromText ?? false;
  const plan = resource.items.map((item) => {
    const converter = TYPE_BY_NAME.get(item.type);
    if (!converter) throw new Error(`item ${item.name} of ${resource.code} has unknown type ${item.type}`);
    // A key: its spelling is checked first (keySpellingProblem). A link item is checked as the item it links
    // to holds its values (./links.ts): a key's spelling for a link to a key, nothing more for another item.
    const keyLike = item.name === resource.key ? 'a key' : undefined;
    const link: LinkValueRule | undefined = item.link && options.linked ? linkValueRule(item, options.linked) : undefined;
    return { item, name: item.name, convert: converter.convert, checks: CHECKS.filter((c) => c.applies(item)), keyLike, link };
  });
  const order = resource.items.map((i) => i.name);
  const names = new Set(order);
  const itemList = [...names].join(', ');
  const rowItem = resource.share.scope?.rows?.item;

  return (input, line) => {
    let problems: string[] | undefined;
    const at = (item: string, message: string) => (problems ??= []).push(`line ${line}: ${item}: ${message}`);
    const row: Row = {};
    let keyProblem = false;
    for (const { item, name, convert, checks, keyLike, link } of plan) {
      const before = problems?.length ?? 0;
      const raw = input[name];
      if (isMissing(raw, item) || (item.required && raw === '')) {
        if (item.required) at(name, 'a value is required');
        row[name] = null;
        continue;
      }
      // A number written with more digits than a double keeps: a decimal refuses it, other types take the double.
      let converted = convert(raw instanceof WrittenNumber && item.type !== 'decimal' ? raw.value : raw, item, fromText);
      if (converted instanceof Failed) {
        at(name, `${show(raw)} is not ${converted.expected}`);
        continue;
      }
      // GB 11643 writes the check character 'X'; departments' files often hold 'x'. Stored as 'X'.
      if (item.format === 'idcard' && typeof converted === 'string') converted = idCardSpelling(converted);
      const spelling = keyLike ? keySpellingProblem(converted, keyLike) : link?.spelling(converted);
      if (spelling !== undefined) {
        // The spelling to write is named; the format and pattern would only say the value is not one.
        at(name, spelling);
        if (name === resource.key) keyProblem = true;
        continue;
      }
      for (const c of checks) {
        const problem = c.check(converted, item);
        if (problem !== undefined) at(name, problem);
      }
      if (link && (problems?.length ?? 0) === before) {
        const problem = link.check(converted);
        if (problem !== undefined) at(name, problem);
      }
      if (name === rowItem) {
        const problem = rowScopeValueProblem(converted);
        if (problem !== undefined) at(name, problem);
      }
      row[name] = converted;
      if (name === resource.key && (problems?.length ?? 0) > before) keyProblem = true;
    }
    // Fields in the items' order (as exported files have them) are known at a glance; others are looked up.
    let next = 0;
    for (const field of Object.keys(input)) {
      if (field === order[next]) next++;
      else if (!names.has(field)) {
        const titled = itemTitled(resource, field);
        at(field, `is not an item of ${resource.code} (items: ${itemList})${titled ? `; it ${titleOf(titled)}` : ''}`);
      }
    }
    if (!problems) return { row, problems: [], key: row[resource.key] };
    return keyProblem || row[resource.key] === undefined || row[resource.key] === null
      ? { problems }
      : { problems, key: row[resource.key] };
  };
}

const validators = new WeakMap<Resource, [RecordValidator, RecordValidator]>();

/**
 * Converts and checks one record. `line` is the 1-based line of the record in its file, for messages.
 * An empty string is a missing value for every type but string and text (CSV readers pass empty cells
 * as null already); a required item must be present and, for strings, not empty. Numbers and booleans
 * are read from text only with `fromText` (CSV); in JSON a "7" for an int item is the wrong type.
 * Decimals may be strings in JSON too, the way the Decimal scalar carries them without losing digits; a
 * string keeps its scale ("450.10"), a JSON number cannot (450.10 is read as 450.1). With `linked` (the
 * resources links may name), a link item's value is checked as the item it links to holds its values
 * (./links.ts); without it, by the link item's own checks alone.
 */
export function validateRecord(
  resource: Resource,
  input: Record<string, unknown>,
  line: number,
  options: { fromText?: boolean; linked?: LinkedResources } = {},
): Validated {
  if (options.linked) {
    const { row, problems } = recordValidator(resource, options)(input, line);
    return row ? { row, problems } : { problems };
  }
  let pair = validators.get(resource);
  if (!pair) {
    pair = [recordValidator(resource, { fromText: false }), recordValidator(resource, { fromText: true })];
    validators.set(resource, pair);
  }
  // The key is the import's, for telling a key written twice; one record's validation is the row or its problems.
  const { row, problems } = pair[options.fromText ? 1 : 0](input, line);
  return row ? { row, problems } : { problems };
}
