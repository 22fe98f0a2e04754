// graphql-shield wraps every field of every type in an async middleware; on a page of 100 records with
// 12 items that is 1,200 rule evaluations per request, each answering the same thing as for the first row
// (an item's decision does not depend on the row). When every resource field an operation selects is
// allowed for this request, those per-row rules would all answer `true`: the operation then runs on a
// twin of the schema in which the resource types' fields are not wrapped. Root, list, lookup and platform
// fields keep their rules in both. Any selected field that is denied, or a link whose target is, sends the
// operation to the fully wrapped schema, where shield answers field by field.
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { AccessContext } from '../access/context.ts';
import type { ResourceModel, SchemaModel } from '../generate/model.ts';

/** A resource type's field an operation selects: an item, or a link (its own item and its target). */
export type SelectedResourceField = { model: ResourceModel; item: string; target: ResourceModel | null };

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
        if (m.items.has(name)) seen.set(key, { model: m, item: name, target: null });
        const link = m.links.find((l) => l.field === name);
        if (link) seen.set(key, { model: m, item: link.item.name, target: link.target });
      },
    }),
  );
  found = [...seen.values()];
  byDocument.set(document, found);
  return found;
}

/**
 * True when every selected resource field is allowed: the rules of the resource types would all pass.
 * The items are then recorded as taken, as their rules would have recorded them.
 */
export function allSelectedAllowed(fields: SelectedResourceField[], access: AccessContext): boolean {
  for (const f of fields) {
    if (!access.peekItem(f.model, f.item).allowed) return false;
    if (f.target && !access.resource(f.target).allowed) return false;
  }
  for (const f of fields) access.item(f.model, f.item);
  return true;
}
