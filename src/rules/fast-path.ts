// graphql-shield wraps every field of every type in an async middleware; on a page of 100 records with
// 12 items that is 1,200 rule evaluations per request, each answering what it answered for the first row
// (an item's decision does not depend on the row). The decisions depend only on the request's access
// profile (department, purpose, active grants): for each profile the gateway lists, once, the resource
// fields whose rules would refuse, asking the same answers the rules give (itemAnswer, linkAnswer); the
// operation runs on the variant of the schema in which only those fields keep shield's per-row wrapper.
// An allowed field's rule would answer `true` on every row, so leaving it unwrapped changes no answer.
// Root, department, list, lookup and platform fields keep their rules in every variant. Variants are
// bounded by the profiles in use, whatever the documents clients send.
import type { AccessContext } from '../access/context.ts';
import type { SchemaModel } from '../generate/model.ts';
import { itemAnswer, linkAnswer } from './data-rules.ts';

const MAX_PROFILES = 1024;
const refusedByModel = new WeakMap<SchemaModel, Map<string, ReadonlySet<string>>>();

/** Every resource field (`Type.field`) whose rule refuses it for this request's profile. */
export function refusedFields(model: SchemaModel, access: AccessContext): ReadonlySet<string> {
  let byProfile = refusedByModel.get(model);
  if (!byProfile) refusedByModel.set(model, (byProfile = new Map()));
  let refused = byProfile.get(access.profile);
  if (!refused) {
    const out = new Set<string>();
    for (const m of model.byCode.values()) {
      for (const item of m.resource.items) if (itemAnswer(m, item.name, access) !== true) out.add(`${m.typeName}.${item.name}`);
      for (const link of m.links) if (linkAnswer(m, link, access) !== true) out.add(`${m.typeName}.${link.field}`);
    }
    refused = out;
    if (byProfile.size >= MAX_PROFILES) byProfile.delete(byProfile.keys().next().value!);
  }
  byProfile.delete(access.profile); // most recently used last
  byProfile.set(access.profile, refused);
  return refused;
}
