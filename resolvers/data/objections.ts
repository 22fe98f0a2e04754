// A resource type's `_objections` field (SPEC §14): the standing objections (OPEN, CONFIRMED) to the
// record, so that every consumer sees the doubt. Loaded through a per-request DataLoader per resource:
// the records of a page (or of a level of links) cost one store read together, never one per row.
// Only the objections to items the request may read (mayReadItem below).
// The list takes no `first`: the cost counts 20 entries on each record, and each record's entries past
// 20, once read, count against maxCost as the platform's lists' do (one department may stand an objection
// on every item of a record, so a record of a wide resource carries more than the estimate).
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import type { ResourceModel } from '../../src/generate/model.ts';
import type { Row, Value } from '../../src/store/port.ts';
import { readStore, type RequestContext } from '../request.ts';
import { counted } from '../platform/counted-lists.ts';
import { rawKey } from './plan.ts';
import { lookupValues } from '../../src/model/key-spellings.ts';
import { standingObjections, type Objection } from '../../src/workflow/objections.ts';

export { RECORD_OBJECTIONS_FIELD as OBJECTIONS_FIELD } from '../../src/model/catalogue.ts';

function loaderFor(ctx: RequestContext, model: ResourceModel): DataLoader<Value, Objection[]> {
  const name = `_objections|${model.resource.code}`;
  let loader = ctx.loaders.get(name) as DataLoader<Value, Objection[]> | undefined;
  if (!loader) {
    loader = new DataLoader<Value, Objection[]>(async (keys) => {
      const byKey = new Map<string, Objection[]>();
      // By every spelling of the key (model/key-spellings.ts): an objection holds the key as stored when
      // raised, an ID number's 'x' maybe, whose row `data import` has since replaced by the 'X' one.
      const spelt = keys.flatMap((k) => lookupValues(model.resource, k));
      for (const o of await standingObjections(readStore(ctx), model.resource.code, spelt)) {
        for (const k of new Set(lookupValues(model.resource, o.key).map((v) => JSON.stringify(v)))) byKey.set(k, [...(byKey.get(k) ?? []), o]);
      }
      return keys.map((k) => byKey.get(JSON.stringify(k)) ?? []);
    }, { cacheKeyFn: (k) => JSON.stringify(k) });
    ctx.loaders.set(name, loader as never);
  }
  return loader;
}

/**
 * Whether the request may read the item an objection is about. An objection says that another department,
 * and once CONFIRMED the provider, holds that item's value of the record wrong: something learnt about the
 * value, so a record lists it only where the access decision lets the request read the item (masked or
 * not: the doubt goes with what is shown; SPEC §6). An item the catalogue in effect no longer has is read
 * by no one. Peeked: listing an objection is no read of its item (the audit entry's items stay as they are).
 */
const mayReadItem = (ctx: RequestContext, model: ResourceModel, item: string): boolean =>
  model.items.has(item) && ctx.access.peekItem(model, item).allowed;

export function objectionsResolver(model: ResourceModel) {
  return async (row: Row, _args: unknown, ctx: RequestContext, info: GraphQLResolveInfo): Promise<Objection[]> => {
    const key = rawKey(row, model.resource.key);
    if (key === null || key === undefined) return [];
    const standing = (await loaderFor(ctx, model).load(key)).filter((o) => mayReadItem(ctx, model, o.item));
    return counted(ctx, info, standing);
  };
}
