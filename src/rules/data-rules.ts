// graphql-shield rules for the data schema, generated from the schema model. Every rule asks the one
// access decision (through the request's memo); nothing here restates the table of SPEC §6.
import { allow } from './shield.ts';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { AccessContext } from '../access/context.ts';
import { isMasked, type Decision } from '../access/decide.ts';
import { grantCanUnmask, liftingMask } from '../access/unmasking.ts';
import type { LinkModel, ResourceModel, SchemaModel } from '../generate/model.ts';
import { connectionTypeName } from '../model/names.ts';
import { RECORD_OBJECTIONS_FIELD } from '../model/catalogue.ts';
import { hasFewValues, OPERATORS } from '../model/operators.ts';
import { filterUses, orderUses, type FilterArg, type ItemUse, type OrderArg } from '../generate/filter.ts';
import { noteRefusal, type RequestContext } from '../../resolvers/request.ts';
import { authenticated, guardedRule } from './common.ts';
import { badUserInput, deniedError, deniedOnce } from './errors.ts';

type RuleMap = Record<string, Record<string, unknown>>;
type Denial = Extract<Decision, { allowed: false }>;


export type Refusal = { d: Denial; model: ResourceModel; item: string | null };

/**
 * The resource can be read at all, and every item the arguments filter or order by may be used so.
 * Looks at the decisions without recording them as read; a refused item is recorded by the caller.
 * `by`: what the uses are. A list's filter and order, or a lookup by the key, refuse a masked item of few
 * values whole: `eq: true`, or `riskBand(band: "high")` on a resource keyed by an enum, tells the hidden
 * value of every record it finds. A link (the caller) judges it itself, as a denial of the link.
 */
function resourceAnswer(model: ResourceModel, access: AccessContext, uses: ItemUse[], by: 'list' | 'lookup' | 'link'): true | Refusal | Error {
  const whole = access.resource(model);
  if (!whole.allowed) return { d: whole, model, item: null };
  for (const use of uses) {
    const d = access.peekItem(model, use.item);
    if (!d.allowed) return { d, model, item: use.item };
    if (!d.mask) continue;
    if (by === 'lookup' && hasFewValues(model.items.get(use.item))) {
      return badUserInput(
        `${use.item} of ${model.resource.code} is masked for you, and its values are a few known words: looking a record up by it would tell the record's hidden value, so you may not look ${model.resource.code} up by ${use.item}; list it instead.`,
        { resource: model.resource.code, item: use.item },
      );
    }
    if (by === 'list' && hasFewValues(model.items.get(use.item))) {
      return badUserInput(
        `${use.item} of ${model.resource.code} is masked for you, and its values are a few known words: filtering by it would tell each record's hidden value, so you may neither filter nor order by it. ${liftingMask(model.resource, use.item)}`,
        { resource: model.resource.code, item: use.item },
      );
    }
    if (use.operator === 'orderBy' || OPERATORS[use.operator]?.probes) {
      return badUserInput(
        `${use.item} of ${model.resource.code} is masked for you: you may filter it only with eq or in, and not order by it. ${liftingMask(model.resource, use.item)}`,
        { resource: model.resource.code, item: use.item },
      );
    }
  }
  return true;
}

/** An item field of a record: its own decision. */
export function itemAnswer(model: ResourceModel, item: string, access: AccessContext): true | Refusal {
  const d = access.peekItem(model, item);
  return d.allowed ? true : { d, model, item };
}

/**
 * An allowed link, and whether following it probes: it looks the linked resource up by the linked item,
 * so when that item is masked for the requester every value it looks up is a masked probe, counted on
 * the quota a lookup by that item counts on (SPEC §13, src/limits/probes.ts).
 */
export interface LinkAllowed {
  probes: boolean;
}

/**
 * A link field: read access to its own item, and the linked resource's rules as for a direct lookup of
 * the linked item with eq (SPEC §6), its values counted as that lookup's would be.
 */
export function linkAnswer(model: ResourceModel, link: LinkModel, access: AccessContext): LinkAllowed | Refusal {
  const own = itemAnswer(model, link.item.name, access);
  if (own !== true) return own;
  // eq never probes, so the masked-item refusal (an Error) cannot come back here.
  const target = resourceAnswer(link.target, access, [{ item: link.targetItem.name, operator: 'eq' }], 'link') as true | Refusal;
  if (target !== true) return target;
  const probes = isMasked(access.peekItem(link.target, link.targetItem.name));
  // By a masked boolean or enum, a link is the filter a list refuses (resourceAnswer): the reader's own
  // records holding each of the few values would be told, for each, a record holding it.
  if (probes && hasFewValues(link.targetItem)) return { d: fewValuesLinkDenial(link), model: link.target, item: link.targetItem.name };
  return { probes };
}

/**
 * The denial of a link by a masked item of few values: a grant unmasking the item lifts it. One per link,
 * so that its error is one (deniedError) and noted once for the audit entry, however many rows link.
 */
const fewValuesDenials = new WeakMap<LinkModel, Denial>();
function fewValuesLinkDenial(link: LinkModel): Denial {
  let d = fewValuesDenials.get(link);
  if (!d) {
    const item = link.targetItem.name;
    d = {
      allowed: false,
      code: 'GRANT_REQUIRED',
      message: `${item} of ${link.target.resource.code} is masked for you, and its values are a few known words: following the link ${link.field} by it would tell the linked records' hidden values, so it is not followed ${
        // Only an item shared on conditions is granted (SPEC §9): one shared unconditionally stays masked.
        grantCanUnmask(link.target.resource, item)
          ? `unless a grant unmasks ${item}`
          : `(shared unconditionally, ${item} is masked for every department but its provider: no grant unmasks it)`
      }.`,
    };
    fewValuesDenials.set(link, d);
    byFewValues.add(d);
  }
  return d;
}
/** The denials fewValuesLinkDenial made: not the access decision's, so noted as refusals (recordRefusal). */
const byFewValues = new WeakSet<Denial>();

export const isRefusal = (a: LinkAllowed | Refusal): a is Refusal => 'd' in a;

/** A refusal recorded in the request's decisions (for the audit log) and as the error of the field. */
export function recordRefusal(ctx: RequestContext, r: Refusal): void {
  // A link by a masked item of few values: the item's decision allows it masked, so the refusal itself
  // names the item denied in the provider's part of the audit entry.
  if (byFewValues.has(r.d)) noteRefusal(ctx, deniedError(r.d, r.model, r.item));
  else if (r.item) ctx.access.item(r.model, r.item);
  else ctx.access.refuseResource(r.model);
}

function refuse(ctx: RequestContext, r: Refusal): Error {
  recordRefusal(ctx, r);
  return deniedError(r.d, r.model, r.item);
}

function checkResource(model: ResourceModel, ctx: RequestContext, uses: ItemUse[], by: 'list' | 'lookup'): true | Error {
  const answer = resourceAnswer(model, ctx.access, uses, by);
  if (answer instanceof GraphQLError) return noteRefusal(ctx, answer); // a masked item probed: its audit entry names it
  return answer === true || answer instanceof Error ? answer : refuse(ctx, answer);
}

function listRule(model: ResourceModel) {
  return guardedRule<{ filter?: FilterArg; orderBy?: OrderArg[] }>(`list:${model.resource.code}`, 'no_cache', (_p, args, ctx) =>
    checkResource(model, ctx, [...filterUses(args.filter), ...orderUses(args.orderBy)], 'list'),
  );
}

function lookupRule(model: ResourceModel) {
  return guardedRule(`lookup:${model.resource.code}`, 'no_cache', (_p, _a, ctx) =>
    checkResource(model, ctx, [{ item: model.resource.key, operator: 'eq' }], 'lookup'),
  );
}

// Item and link rules complete the rule map (SPEC §6: a rule for every field), but the gateway wraps no
// record field with them (src/server/assemble.ts, entryFieldRules): its read plan asks the same answers
// (itemAnswer, linkAnswer) once per request and path pattern. Under a shield applied over the whole schema
// (applyMiddleware, as tests do) they run per row: the decision is memoised per request and a denial is
// located once per path pattern (deniedOnce), so a denied item costs no more on row 100 than on row 1.
function located(ctx: RequestContext, answer: true | Refusal, info: GraphQLResolveInfo): true | Error {
  if (answer === true) return true;
  recordRefusal(ctx, answer);
  return deniedOnce(ctx, answer.d, answer.model, answer.item, info);
}

function itemRule(model: ResourceModel, item: string) {
  return guardedRule(`item:${model.resource.code}:${item}`, 'no_cache', (_p, _a, ctx, info) =>
    located(ctx, itemAnswer(model, item, ctx.access), info),
  );
}

function linkRule(model: ResourceModel, link: LinkModel) {
  return guardedRule(`link:${model.resource.code}:${link.field}`, 'no_cache', (_p, _a, ctx, info) => {
    const answer = linkAnswer(model, link, ctx.access);
    return located(ctx, isRefusal(answer) ? answer : true, info);
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
      for (const link of m.links) type[link.field] = linkRule(m, link);
      // The objections to a record the list or lookup has let through: no item value, no rule of its own.
      type[RECORD_OBJECTIONS_FIELD] = allow;
      rules[m.typeName] = type;
      // The list field has already decided; its connection's fields are parts of that answer.
      rules[connectionTypeName(m.typeName)] = { nodes: allow, pageInfo: allow, totalCount: allow };
    }
    rules[d.typeName] = dept;
  }
  return rules;
}

