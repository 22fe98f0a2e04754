// Checks of links: the field a link adds must be free, and it must point at an existing item of a
// compatible type in an existing resource (of this catalogue, another in effect, or the same batch).
import { connectedPlatformOfCode } from '../../access/connected-codes.ts';
import { RECORD_OBJECTIONS_FIELD } from '../../model/catalogue.ts';
import type { ItemType } from '../../model/catalogue.ts';
import type { CheckFamily, ItemCheck, ResourceCheck } from './context.ts';
import { STRING_TYPES } from './context.ts';
import { OBJECT_MEMBER_NAMES, PROMISE_MEMBER, promiseMemberMessage } from '../names.ts';
import { listOf, otherCase, problem } from './util.ts';

/** A link joins equal values: the same type, or string and text. */
export function linkCompatible(from: ItemType, to: ItemType): boolean {
  return from === to || (STRING_TYPES.includes(from) && STRING_TYPES.includes(to));
}

const linkFieldsFree: ResourceCheck = function* (r, at) {
  const fieldOwner = new Map<string, string>();
  fieldOwner.set(RECORD_OBJECTIONS_FIELD, 'the field every resource type has for the objections to a record');
  for (const [j, item] of r.items.entries()) fieldOwner.set(item.name, `the name of items[${j}]`);
  for (const [j, item] of r.items.entries()) {
    if (!item.link) continue;
    const owner = fieldOwner.get(item.link.field);
    if (item.link.field === PROMISE_MEMBER) {
      yield problem(`${at}.items[${j}].link.field`, promiseMemberMessage('link field name'));
    } else if (OBJECT_MEMBER_NAMES.includes(item.link.field)) {
      yield problem(`${at}.items[${j}].link.field`, `"${item.link.field}" is a property every JavaScript object has, and records are such objects; choose another link field name`);
    } else if (owner) {
      yield problem(`${at}.items[${j}].link.field`, `"${item.link.field}" is already ${owner}; a link adds a field of its own`);
    } else {
      fieldOwner.set(item.link.field, `the field of the link of items[${j}]`);
    }
  }
};

const linkTargetExists: ItemCheck = function* (item, at, _r, ctx) {
  const link = item.link;
  if (!link) return;
  const target = ctx.resource(link.resource);
  if (!target) {
    const refused = ctx.refusedInBatch(link.resource);
    // A code of a connected platform's region (SPEC §12): its records are that platform's, read under its
    // namespace by its own rules; a link here would look them up in this platform's store, where they are not.
    const connected = refused ? undefined : connectedPlatformOfCode(ctx.platform, link.resource);
    yield problem(
      `${at}.link.resource`,
      refused
        ? `"${link.resource}" is a resource of ${refused}, which is refused for problems of its own; the link counts once they are fixed`
        : connected
          ? `"${link.resource}" is of the region of the connected platform ${connected.name} (${connected.region}): a link joins resources of this platform only; read that platform's records under ${connected.namespace}, looking them up by this item's value`
          : `"${link.resource}" is not a resource of this catalogue or of any catalogue in effect${otherCase(link.resource, ctx.resourceCodes(), 'resource')}`,
    );
    return;
  }
  const linked = target.resource.items.find((x) => x.name === link.item);
  if (!linked) {
    yield problem(
      `${at}.link.item`,
      `"${link.item}" is not an item of resource ${link.resource} (its key is "${target.resource.key}"; items: ${listOf(target.resource.items.map((x) => x.name))})`,
    );
  } else if (!linkCompatible(item.type, linked.type)) {
    yield problem(
      `${at}.link.item`,
      `"${link.item}" of resource ${link.resource} is ${linked.type} but this item is ${item.type}; a link joins items of the same type (string and text go together)`,
    );
  }
};

export const linkChecks: CheckFamily = {
  resource: [linkFieldsFree],
  item: [linkTargetExists],
};
