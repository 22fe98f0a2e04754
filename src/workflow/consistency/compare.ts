// The comparisons of the consistency report, run in the store (compareJoined), streaming.
import { rowFilter } from '../../access/row-scope.ts';
import { publishedCatalogues } from '../../catalogue/repository/versions.ts';
import { collectionOf, RECORD_ORDER_FIELD, type Item, type Resource } from '../../model/catalogue.ts';
import type { JoinComparedAs, ReadOptions, Store } from '../../store/port.ts';
import type { WorkflowEnv } from '../actor.ts';
import { type ConsistencyPair, SAMPLE_KEYS, consistencyPairs } from './pairs.ts';
import { type ConsistencyView, catalogueView, keyMask } from './views.ts';

const NUMBERS = new Set(['int', 'float', 'decimal']);

/**
 * How an item's values are compared with the other resource's item of the element when their types differ
 * (JoinSide.compareAs; undefined: as stored). A supervisor reads one amount in "2.50" (a decimal) and 2.5
 * (a float), and one birth date in 1980-01-02 (a date) and 1980-01-02T00:00:00+08:00 (a datetime): as
 * stored, every such record differed (and on SQLite alone, for the numbers: MongoDB compares them by value).
 * Items of one type compare as stored: decimals by value, texts character by character (see docs/workflow.md).
 */
function comparedAs(item: Item, other: Item): JoinComparedAs | undefined {
  if (item.type === other.type) return undefined;
  if (NUMBERS.has(item.type) && NUMBERS.has(other.type)) return 'number';
  return item.type === 'datetime' && other.type === 'date' ? 'day' : undefined;
}

/** An index led by `field` (the resource's own key index, or one made for the join). */
async function indexed(store: Store, collection: string, field: string): Promise<void> {
  if ((await store.listIndexes(collection)).some((i) => i.fields[0] === field)) return;
  await store.ensureIndex(collection, { fields: [field] });
}

/**
 * Runs the comparisons in the store, over the records and with the sample keys `view` says. `read`: what
 * each join tells the store (a request's signal and department, ReadOptions). A request hands a store that
 * refuses every call once it is cancelled (resolvers/request.ts scanStore), so that no pair is compared
 * after its time limit has answered or its client has gone.
 */
export async function compareConsistency(
  env: Pick<WorkflowEnv, 'store'>,
  element?: string,
  view: ConsistencyView = catalogueView,
  read: ReadOptions = {},
): Promise<ConsistencyPair[]> {
  const resources = (await publishedCatalogues(env.store)).flatMap((c) => c.resources);
  const out: ConsistencyPair[] = [];
  for (const c of consistencyPairs(resources, element)) {
    // The join fields are indexed so that the store joins by index, not by scanning the right side per row.
    await indexed(env.store, collectionOf(c.right), c.rightKey.name);
    await indexed(env.store, collectionOf(c.left), c.leftKey.name);
    const withheld = view.withheld(c);
    const mask = withheld === null ? view.mask(c) : null;
    // The row scope is a filter of each side's rows in the store: the figures count, and the sample
    // takes, only records the reader sees (a record outside is as missing, SPEC §6).
    const within = (r: Resource) => {
      const scope = view.rows(r);
      return scope ? { filter: rowFilter(scope) } : {};
    };
    const as = (item: Item, other: Item) => {
      const compareAs = comparedAs(item, other);
      return compareAs ? { compareAs } : {};
    };
    // The sample in the records' places in a masked key's list, as the list is (then the row order, which
    // is the order of the writes: a file sorted by ID number, batch after batch, sorted it by birth date).
    const left = {
      collection: collectionOf(c.left), on: c.leftKey.name, field: c.leftItem.name, sampleOrder: RECORD_ORDER_FIELD,
      ...within(c.left), ...as(c.leftItem, c.rightItem),
    };
    const right = { collection: collectionOf(c.right), on: c.rightKey.name, field: c.rightItem.name, ...within(c.right), ...as(c.rightItem, c.leftItem) };
    const result = await env.store.compareJoined(left, right, mask === null ? 0 : SAMPLE_KEYS, read);
    // Keys joined as the store looks them up: an ID number ending in x is not the record ending in X, so
    // such records were in neither figure. Counted, so that they do not vanish from the report.
    const caseOnlyKeys = await env.store.caseOnlyKeys(left, right, read);
    out.push({
      element: c.element, left: c.left.code, right: c.right.code, leftItem: c.leftItem.name, rightItem: c.rightItem.name,
      keyElement: c.keyElement, leftKey: c.leftKey.name, rightKey: c.rightKey.name,
      compared: result.compared, differing: withheld === null ? result.differing : null, withheld, caseOnlyKeys,
      sampleKeys: mask === null ? [] : result.sampleKeys.map(keyMask(mask, c)),
    });
  }
  return out;
}
