// graphql-shield rules for the data schema, generated from the schema model. Every rule asks the one
// access decision (through the request's memo); nothing here restates the table of SPEC §6.
import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import type { ResourceModel, SchemaModel } from '../generate/model.ts';
import { connectionTypeName } from '../generate/names.ts';
import { OPERATORS } from '../generate/operators.ts';
import { filterUses, orderUses, type FilterArg, type ItemUse, type OrderArg } from '../generate/filter.ts';
import type { RequestContext } from '../server/context.ts';
import { authenticated, guardedRule } from './common.ts';
import { badUserInput, deniedError, deniedOnce } from './errors.ts';

type RuleMap = Record<string, Record<string, unknown>>;


/** The resource can be read at all, and every item the arguments filter or order by may be used so. */
function checkResource(model: ResourceModel, ctx: RequestContext, uses: ItemUse[]): true | Error {
  const whole = ctx.access.resource(model);
  if (!whole.allowed) return deniedError(whole, model, null);
  for (const use of uses) {
    const d = ctx.access.item(model, use.item);
    if (!d.allowed) return deniedError(d, model, use.item);
    if (d.mask && (use.operator === 'orderBy' || OPERATORS[use.operator]?.probes)) {
      return badUserInput(
        `${use.item} of ${model.resource.code} is masked for you: you may filter it only with eq or in, and not order by it.`,
        { resource: model.resource.code, item: use.item },
      );
    }
  }
  return true;
}

function listRule(model: ResourceModel) {
  return guardedRule<{ filter?: FilterArg; orderBy?: OrderArg[] }>(`list:${model.resource.code}`, 'no_cache', (_p, args, ctx) =>
    checkResource(model, ctx, [...filterUses(args.filter), ...orderUses(args.orderBy)]),
  );
}

function lookupRule(model: ResourceModel) {
  return guardedRule(`lookup:${model.resource.code}`, 'no_cache', (_p, _a, ctx) =>
    checkResource(model, ctx, [{ item: model.resource.key, operator: 'eq' }]),
  );
}

// Item and link rules run per row; the decision they ask is memoised per request, and a denial is
// located once per path pattern (deniedOnce), so a denied item costs no more on row 100 than on row 1.
function itemRule(model: ResourceModel, item: string) {
  return guardedRule(`item:${model.resource.code}:${item}`, 'no_cache', (_p, _a, ctx, info) => {
    const d = ctx.access.item(model, item);
    return d.allowed ? true : deniedOnce(ctx, d, model, item, info);
  });
}

function linkRule(model: ResourceModel, item: string, target: ResourceModel) {
  return guardedRule(`link:${model.resource.code}:${item}`, 'no_cache', (_p, _a, ctx, info) => {
    const own = ctx.access.item(model, item);
    if (!own.allowed) return deniedOnce(ctx, own, model, item, info);
    const linked = ctx.access.resource(target);
    return linked.allowed ? true : deniedOnce(ctx, linked, target, null, info);
  });
}

export function dataRules(model: SchemaModel): RuleMap {
  const rules: RuleMap = { Query: {}, PageInfo: { '*': allow } };
  for (const d of model.departments) {
    rules.Query[d.department.graphqlName] = authenticated;
    const dept: Record<string, unknown> = {};
    for (const m of d.resources) {
      dept[m.resource.graphql.list] = listRule(m);
      dept[m.resource.graphql.byKey] = lookupRule(m);
      const type: Record<string, unknown> = {};
      for (const item of m.resource.items) type[item.name] = itemRule(m, item.name);
      for (const link of m.links) type[link.field] = linkRule(m, link.item.name, link.target);
      rules[m.typeName] = type;
      // The list field has already decided; its connection's fields are parts of that answer.
      rules[connectionTypeName(m.typeName)] = { nodes: allow, pageInfo: allow, totalCount: allow };
    }
    rules[d.typeName] = dept;
  }
  return rules;
}

export type { IRules };
