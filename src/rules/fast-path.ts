// graphql-shield wraps every field of every type in an async middleware; on a page of 100 records with
// 12 items that is 1,200 rule evaluations per request, each answering what it answered for the first row
// (an item's decision does not depend on the row). Before executing, the gateway looks ahead: the resource
// fields the operation selects, and the request's decision for each. The allowed ones would answer `true`
// on every row, so the operation runs on a variant of the schema in which only the denied ones (an item
// the requester may not read, a link whose own item or target is refused) keep shield's wrapper, and shield
// answers those field by field with their codes. Root, department, list, lookup and platform fields keep
// their rules in every variant.
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { AccessContext } from '../access/context.ts';
import type { ResourceModel, SchemaModel } from '../generate/model.ts';

/** A resource type's field an operation selects: an item, or a link (its own item and its target). */
export type SelectedResourceField = { model: ResourceModel; field: string; item: string; target: ResourceModel | null };

/** By schema model, then by parsed document: a republished catalogue may change a field's model. */
const memo = new WeakMap<SchemaModel, WeakMap<DocumentNode, SelectedResourceField[]>>();

/** The resource fields a document selects anywhere (all operations, fragments included). */
export function selectedResourceFields(document: DocumentNode, schema: GraphQLSchema, model: SchemaModel): SelectedResourceField[] {
  let byDocument = memo.get(model);
  if (!byDocument) memo.set(model, (byDocument = new WeakMap()));
  let found = byDocument.get(document);
  if (found) return found;
  const seen = new Map<string, SelectedResourceField>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const m = parent && model.byType.get(parent.name);
        if (!m) return;
        const name = node.name.value;
        const key = `${m.typeName}.${name}`;
        if (seen.has(key)) return;
        if (m.items.has(name)) seen.set(key, { model: m, field: name, item: name, target: null });
        const link = m.links.find((l) => l.field === name);
        if (link) seen.set(key, { model: m, field: name, item: link.item.name, target: link.target });
      },
    }),
  );
  found = [...seen.values()];
  byDocument.set(document, found);
  return found;
}

/**
 * The selected resource fields (`Type.field`) whose rules would refuse them: those keep shield's wrapper.
 * The allowed items are recorded as taken, as their rules would have recorded them; the refused ones are
 * recorded by their rules when shield runs them.
 */
export function refusedSelections(fields: SelectedResourceField[], access: AccessContext): Set<string> {
  const refused = new Set<string>();
  for (const f of fields) {
    const own = access.peekItem(f.model, f.item);
    if (!own.allowed || (f.target && !access.resource(f.target).allowed)) refused.add(`${f.model.typeName}.${f.field}`);
    else access.item(f.model, f.item);
  }
  return refused;
}
