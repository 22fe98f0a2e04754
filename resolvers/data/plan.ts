// Read plans (issue 10): what a list or lookup field reads and returns, links included, decided once per
// request and path pattern instead of once per row and field. A plan holds
//   - the projection: the key, the readable selected items and the items behind readable selected links
//     (an item the requester may not read is never read from the store, so nothing downstream can leak it);
//   - the text items: personal and secret items, returned as text, masked as the decision says (those
//     read but not selected too: the key, a link's items);
//   - the denials: the selected item and link fields the item rules refuse, each one error for the path
//     pattern (SPEC §6), placed on the first row the plan shapes so that graphql locates it there;
//   - the links: for each selected link the rules allow, the linked resource's own plan (./links.ts reads
//     the linked records of a whole page at once and puts them on the rows), and whether its values are
//     masked probes (the linked item is masked for the requester: a link is a lookup by that item).
// The item and link rules are asked through the same answers the rule map is generated from
// (src/rules/data-rules.ts); the rows then leave the resolver shaped, and item and link fields need no
// resolver.
import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import type { LinkModel, ResourceModel } from '../../src/generate/model.ts';
import { isSensitive } from '../../src/generate/model.ts';
import { selectedFields } from '../../src/generate/selection.ts';
import { itemMask } from '../../src/formats/masks.ts';
import { deniedError } from '../../src/rules/errors.ts';
import { isRefusal, itemAnswer, linkAnswer, recordRefusal, type Refusal } from '../../src/rules/data-rules.ts';
import type { Row, Value } from '../../src/store/port.ts';
import type { RequestContext } from '../request.ts';

export interface ReadPlan {
  model: ResourceModel;
  projection: string[];
  texts: { item: string; mask: ((value: string) => string) | null }[];
  denials: { field: string; refusal: Refusal; error: Error }[];
  /** Denied items read all the same (the key, which links, cursors and objections need): null in every row. */
  hidden: string[];
  /** The selected links the rules allow, each with the plan of the records it returns. */
  links: LinkPlan[];
  /** Set once the denials were placed on a row: one error per path pattern, whatever the pages and batches. */
  placed: boolean;
}

export interface LinkPlan {
  link: LinkModel;
  plan: ReadPlan;
  /**
   * The linked item is masked for the requester: each value a batch looks up is a masked probe, counted
   * on the quota of a lookup by that item (src/limits/probes.ts) before the linked records are read.
   */
  probes: boolean;
  /** Set once the quota refused a batch: the link is null for the rest of the request, its one error placed. */
  refused: boolean;
}

/** A field's path with list indices wildcarded: `dept.list.nodes.*.employer`. */
export function pathPattern(info: GraphQLResolveInfo): string {
  let out = '';
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) out = (typeof p.key === 'number' ? '*' : p.key) + (out ? '.' + out : '');
  return out;
}

/** `alsoRead`: items read whatever is selected, beside the key (a linked resource's item its link reads by). */
function planRead(ctx: RequestContext, model: ResourceModel, info: GraphQLResolveInfo, nodes: readonly FieldNode[], alsoRead: readonly string[] = []): ReadPlan {
  const access = ctx.access;
  const selected = selectedFields(info, nodes);
  const fields = new Set<string>([model.resource.key, ...alsoRead]);
  const texts: ReadPlan['texts'] = [];
  const denials: ReadPlan['denials'] = [];
  const links: ReadPlan['links'] = [];
  // Recorded as read (access.item): the audit log lists what the request asked to read and may.
  const readable = (item: string) => access.peekItem(model, item).allowed && access.item(model, item).allowed;
  // Recorded as refused when planned, as the items read are: a page or lookup with no record raises no
  // field error, and a denied request is on record all the same.
  const denied = (refusal: Refusal, field: string) => {
    recordRefusal(ctx, refusal);
    denials.push({ field, refusal, error: deniedError(refusal.d, refusal.model, refusal.item) });
  };
  for (const [name, below] of selected) {
    const item = model.items.get(name);
    if (item) {
      const d = access.peekItem(model, name);
      if (d.allowed && access.item(model, name).allowed) {
        fields.add(name);
        if (isSensitive(item)) texts.push({ item: name, mask: d.mask === null ? null : itemMask(d.mask, item) });
      } else {
        const answer = itemAnswer(model, name, access);
        if (answer !== true) denied(answer, name);
      }
      continue;
    }
    const link = model.links.find((l) => l.field === name);
    if (!link) continue;
    if (readable(link.item.name)) fields.add(link.item.name);
    const answer = linkAnswer(model, link, access);
    if (isRefusal(answer)) denied(answer, name);
    else links.push({ link, plan: planRead(ctx, link.target, info, below, [link.targetItem.name]), probes: answer.probes, refused: false });
  }
  const hidden = denials.map((d) => d.field).filter((f) => fields.has(f));
  // What the rows hold that is not selected (the key, the items selected links read by, the item a link reads
  // this resource by) leaves the plan as the requester may see it too: masked, or null when it may not read it.
  // No executor answers a field that graphql-js leaves out (src/server/executor.ts); graphql-jit answered those
  // below a skipped field, and the rows gave them in clear. Peeked: not recorded as read, as nothing selects them.
  for (const name of fields) {
    if (selected.has(name)) continue;
    const d = access.peekItem(model, name);
    if (!d.allowed) hidden.push(name);
    else if (d.mask !== null && isSensitive(model.items.get(name)!)) texts.push({ item: name, mask: itemMask(d.mask, model.items.get(name)!) });
  }
  return { model, projection: [...fields], texts, denials, hidden, links, placed: false };
}

/** The read plans of a request, by path pattern. */
const plansByRequest = new WeakMap<RequestContext, Map<string, ReadPlan>>();

/** The plan of the records a field returns (`nodes`: the fields selecting them), made once per request and pattern. */
export function planFor(ctx: RequestContext, model: ResourceModel, pattern: string, info: GraphQLResolveInfo, nodes: readonly FieldNode[]): ReadPlan {
  let plans = plansByRequest.get(ctx);
  if (!plans) plansByRequest.set(ctx, (plans = new Map()));
  let plan = plans.get(pattern);
  if (!plan || plan.model !== model) plans.set(pattern, (plan = planRead(ctx, model, info, nodes)));
  return plan;
}

const RAW_KEY = Symbol('the key as stored, when the shaping replaced it');

/** The key of a record as the store returned it (unmasked), for objections. */
export function rawKey(row: Row, key: string): Value | undefined {
  return RAW_KEY in row ? (row as Row & { [RAW_KEY]?: Value })[RAW_KEY] : row[key];
}

/**
 * Shapes rows read with the plan's projection, in place (they are this request's own copies, and their
 * links were read first, from the values as stored): text items as text (masked), denied items null, and
 * the denials' errors on the first row of the path pattern. A key the shaping replaces stays under a
 * symbol (rawKey): a masked key still finds its objections. A refusal is recorded (audit) only when a row
 * carries it: a page without rows shows no error and records none.
 */
export function shapeRows(ctx: RequestContext, plan: ReadPlan, rows: Row[]): Row[] {
  const { texts, hidden } = plan;
  if (texts.length || hidden.length) {
    const key = plan.model.resource.key;
    const keyShaped = hidden.includes(key) || texts.some((t) => t.item === key);
    // Plain loops: this runs for every row of every page (issue 10).
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (keyShaped) (row as Row & { [RAW_KEY]?: Value })[RAW_KEY] = row[key];
      for (let t = 0; t < texts.length; t++) {
        const { item, mask } = texts[t];
        const value = row[item];
        if (value === null || value === undefined) continue;
        const text = typeof value === 'string' ? value : String(value);
        if (mask) row[item] = mask(text);
        else if (text !== value) row[item] = text;
      }
      for (let h = 0; h < hidden.length; h++) row[hidden[h]] = null;
    }
  }
  if (plan.denials.length > 0 && !plan.placed && rows.length > 0) {
    plan.placed = true;
    const first = rows[0] as Record<string, unknown>;
    for (const { field, refusal, error } of plan.denials) {
      recordRefusal(ctx, refusal);
      first[field] = error;
    }
  }
  return rows;
}
