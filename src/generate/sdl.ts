// SDL of the data schema (SPEC §5): one field of Query per providing department, one type per resource,
// with connections, filters and orderings. A pure function of the schema model; deterministic, so the demo's
// SDL can be kept in schema/ and compared.
import { readFileSync } from 'node:fs';
import type { GraphQLScalarType } from 'graphql';
import { DateScalar, DateTimeScalar, DecimalScalar } from './scalars.ts';
import { RECORD_OBJECTIONS_FIELD, type Item, type Scope } from '../model/catalogue.ts';
import { isSensitive, type DepartmentModel, type ResourceModel, type SchemaModel } from './model.ts';
import { effectiveItems } from '../access/effective-share.ts';
import { grantCanUnmask } from '../access/unmasking.ts';
import type { Resource } from '../model/catalogue.ts';
import {
  connectionTypeName, enumFilterTypeName, enumTypeName, enumValueName, filterTypeName, orderFieldTypeName, orderTypeName,
} from '../model/names.ts';
import { KIND_SCALAR, OPERATORS, hasFewValues, OPERATORS_BY_KIND, kindFilterName, kindOf, type ScalarKind } from '../model/operators.ts';
import { PLATFORM_SDL_FILE } from '../model/platform-sdl.ts';
import { AUDIT_PAGE, defaultPageSize, maxPageSize, type Platform } from '../model/platform.ts';

const describe = (text: string, indent = ''): string =>
  `${indent}"""\n${text.split('\n').map((l) => `${indent}${l.replace(/"""/g, '\\"""')}`).join('\n')}\n${indent}"""\n`;

const scalarSDL = (t: GraphQLScalarType): string => describe(t.description ?? t.name) + `scalar ${t.name}\n`;

const COMMON_SDL = `${[DateScalar, DateTimeScalar, DecimalScalar].map(scalarSDL).join('')}
"The direction of an order. Texts compare by Unicode code point (Chinese by code point, not pinyin or stroke order; capitals before small letters); records without a value come first in ASC and last in DESC."
enum OrderDirection {
  "Ascending: smallest first, records without a value before all others."
  ASC
  "Descending: largest first, records without a value after all others."
  DESC
}

"Where a page stands in the list."
type PageInfo {
  "True when another page follows this one."
  hasNextPage: Boolean!
  "Pass as \`after\` to get the next page; opaque."
  endCursor: String
}
`;

function kindFilterSDL(kind: Exclude<ScalarKind, 'enum'>): string {
  const scalar = KIND_SCALAR[kind];
  const fields = OPERATORS_BY_KIND[kind].map((op) => {
    const o = OPERATORS[op];
    return `  "${o.description}"\n  ${op}: ${o.list ? `[${scalar}!]` : scalar}`;
  });
  return `"Conditions on a ${scalar} item; the operators given all apply."\ninput ${kindFilterName(kind)} {\n${fields.join('\n')}\n}\n`;
}

/** GraphQL output type of an item: personal and secret items are Strings so that a mask fits. */
export function itemOutputType(model: ResourceModel, item: Item): string {
  const type = itemOutputKind(item);
  return type === 'enum' ? enumTypeName(model.typeName, item.name) : type;
}

/** itemOutputType with an enum's type named `enum` (its name follows the resource's type name). */
export function itemOutputKind(item: Item): string {
  if (isSensitive(item)) return 'String';
  const kind = kindOf(item);
  return kind === 'enum' ? 'enum' : KIND_SCALAR[kind];
}

function itemFilterType(model: ResourceModel, item: Item): string {
  const kind = kindOf(item);
  return kind === 'enum' ? enumFilterTypeName(model.typeName, item.name) : kindFilterName(kind);
}

function shareLine(model: ResourceModel): string {
  const r = model.resource;
  const parts = [r.name, `provider ${r.provider}`, r.share.type];
  if (r.updateCycle) parts.push(r.updateCycle);
  return parts.join(' · ');
}

// A masked item shared unconditionally stays masked for every department but its provider: its description
// must not send a developer to ask for a grant (src/access/unmasking.ts).
const grantUnmasks = (resource: Resource, item: Item): boolean => grantCanUnmask(resource, item.name);

/** What a masked item's description says of its mask. */
function maskClause(resource: Resource, item: Item): string {
  const masked = `${item.sensitivity}, masked (${item.mask ?? 'full'})`;
  const type = effectiveItems(resource).get(item.name)?.share.type;
  if (type === 'conditional') return `${masked} unless a grant unmasks it`;
  if (type === 'unconditional') return `${masked} for every department but its provider (shared unconditionally: no grant unmasks it)`;
  return masked;
}

function itemDescription(resource: Resource, item: Item): string {
  const parts = [item.title ?? item.name, item.type + (item.type === 'enum' ? ` (${item.values?.join(', ')})` : '')];
  if (item.sensitivity) parts.push(maskClause(resource, item));
  if (item.share?.type) parts.push(`shared ${item.share.type}`);
  if (item.share?.methods) parts.push(`methods ${item.share.methods.join(', ')}`);
  if (item.share?.scope?.purposes) parts.push(`purposes ${item.share.scope.purposes.join(', ')}`);
  // An item shared more tightly than its resource says on what conditions and on what basis, as the
  // resource's description does: GraphiQL's docs and the generated clients are where a developer reads it.
  const lines = [parts.join(' · ')];
  if (item.share?.scope) lines.push(...scopeLines(item.share.scope, item.share.scope.purposes !== undefined));
  if (item.share?.conditions) lines.push(`Conditions: ${item.share.conditions}`);
  if (item.share?.basis) lines.push(`Basis: ${item.share.basis}`);
  return lines.join('\n');
}

/**
 * The scope of use of a resource or item, one line (purposes left out where the line before names them).
 * Descriptions are Markdown (GraphiQL renders them): codes and patterns go in code spans, or `350000-*, 3501*`
 * shows as "350000-, 3501" with the text between the asterisks in italics.
 */
function scopeLines(scope: Scope, purposesSaid = false): string[] {
  const codes = (list: readonly string[]) => list.map((c) => `\`${c}\``).join(', ');
  const parts: string[] = [];
  if (scope.purposes && !purposesSaid) parts.push(`purposes ${codes(scope.purposes)}`);
  if (scope.levels) parts.push(`levels ${scope.levels.join(', ')}`);
  if (scope.departments) parts.push(`departments ${codes(scope.departments)}`);
  if (scope.rows) parts.push(`rows by ${codes([scope.rows.item])} (the records within the reading department's region)`);
  return parts.length ? [`Scope of use: ${parts.join('; ')}.`] : [];
}

function filterDescription(resource: Resource, item: Item): string {
  const title = item.title ?? item.name;
  if (!isSensitive(item)) return title;
  const unless = grantUnmasks(resource, item) ? ', unless a grant unmasks it' : '';
  // A boolean's or enum's few values would each be told by an eq on them (src/rules/data-rules.ts).
  return hasFewValues(item)
    ? `${title} · ${item.sensitivity}: no filter${unless}`
    : `${title} · ${item.sensitivity}: only eq and in${unless}`;
}

/** An order value: which item, and for a masked one that it orders nothing (a masked order would sort by the hidden value). */
function orderDescription(resource: Resource, item: Item): string {
  const title = item.title ?? item.name;
  if (!isSensitive(item)) return title;
  return `${title} · ${item.sensitivity}: no order${grantUnmasks(resource, item) ? ', unless a grant unmasks it' : ''}`;
}

function resourceSDL(model: ResourceModel): string {
  const r = model.resource;
  const t = model.typeName;
  const out: string[] = [];
  const head = [shareLine(model)];
  if (r.summary) head.push('', r.summary);
  head.push('', `Resource ${r.code}${r.providerUnit ? `, ${r.providerUnit}` : ''}. Methods: ${r.share.methods?.join(', ') ?? 'none'}.`);
  if (r.share.scope) head.push(...scopeLines(r.share.scope));
  if (r.share.conditions) head.push(`Conditions: ${r.share.conditions}`);
  if (r.share.basis) head.push(`Basis: ${r.share.basis}`);
  const fields: string[] = [];
  for (const item of r.items) {
    fields.push(describe(itemDescription(r, item), '  ') + `  ${item.name}: ${itemOutputType(model, item)}`);
  }
  for (const link of model.links) {
    fields.push(
      describe(`The ${link.target.resource.name} record whose ${link.targetItem.name} equals ${link.item.name} (provider ${link.target.resource.provider}).`, '  ') +
        `  ${link.field}: ${link.target.typeName}`,
    );
  }
  fields.push(
    describe('Objections to this record that stand (OPEN or CONFIRMED): another department doubts the value of the item named.', '  ') +
      `  ${RECORD_OBJECTIONS_FIELD}: [RecordObjection!]`,
  );
  out.push(describe(head.join('\n')) + `type ${t} {\n${fields.join('\n')}\n}\n`);

  for (const item of r.items) {
    if (kindOf(item) !== 'enum') continue;
    const e = enumTypeName(t, item.name);
    const title = item.title ?? item.name;
    if (!isSensitive(item)) out.push(describe(`${title}: the values of item ${item.name} of ${r.name}.`) + `enum ${e} {\n${(item.values ?? []).map((v) => `  "${v}"\n  ${enumValueName(v)}`).join('\n')}\n}\n`);
    const vt = isSensitive(item) ? 'String' : e;
    const ops = (['eq', 'ne', 'in'] as const).map((op) => `  "${OPERATORS[op].description}"\n  ${op}: ${OPERATORS[op].list ? `[${vt}!]` : vt}`);
    out.push(describe(`Conditions on ${title} (item ${item.name} of ${r.name}).`) + `input ${enumFilterTypeName(t, item.name)} {\n${ops.join('\n')}\n}\n`);
  }

  // GraphiQL's documentation and the generated clients show these: each filter field and order value
  // says which item it is, and a masked item the only operators it takes.
  const filterFields = r.items.map((i) => describe(filterDescription(r, i), '  ') + `  ${i.name}: ${itemFilterType(model, i)}`);
  out.push(
    describe(`Conditions on ${r.name}; the fields of one filter all apply (and).`) + `input ${filterTypeName(t)} {\n${filterFields.join('\n')}\n  "Every one of these filters applies."\n  and: [${filterTypeName(t)}!]\n  "At least one of these filters applies."\n  or: [${filterTypeName(t)}!]\n}\n`,
  );
  out.push(describe(`The items of ${r.name} a list can be ordered by.`) + `enum ${orderFieldTypeName(t)} {\n${r.items.map((i) => describe(orderDescription(r, i), '  ') + `  ${i.name}`).join('\n')}\n}\n`);
  out.push(
    describe(`One step of an order of ${r.name} records.`) + `input ${orderTypeName(t)} {\n  "The item to order by; it needs read access, unmasked."\n  field: ${orderFieldTypeName(t)}!\n` +
      `  "ASC (the default) or DESC."\n  direction: OrderDirection = ASC\n}\n`,
  );
  out.push(
    describe(`A page of ${r.name} records.`) + `type ${connectionTypeName(t)} {\n  "The records of this page."\n  nodes: [${t}!]!\n  "Whether another page follows, and the cursor to it."\n  pageInfo: PageInfo!\n` +
      `  "Records matching the filter, all pages together."\n  totalCount: Int!\n}\n`,
  );
  return out.join('\n');
}

/** Fields of a department's type per SDL part: the first part defines the type, the others extend it. */
const DEPARTMENT_PART = 100;

/** The arguments of every list field; `first` is the page a list gets without one, `max` the largest. */
function listArguments(t: string, page: { first: number; max: number }): string {
  return [
    `    "Only the records matching these conditions. Filtering by an item needs read access to it."\n    filter: ${filterTypeName(t)}`,
    `    "The order of the records, entry by entry; ties in key order where you read the key unmasked."\n    orderBy: [${orderTypeName(t)}!]`,
    `    "Records in this page, at most ${page.max}."\n    first: Int = ${page.first}`,
    `    "The endCursor of the page before, for the page after it."\n    after: String`,
  ].join('\n');
}

/**
 * The order of a list without orderBy. Key order only for a reader who reads the key in clear: one who
 * reads it masked (a personal or secret key) or not at all (a grant that leaves the key out, a key
 * tightened by its own share) gets the records in the places drawn for them when stored, since key order
 * would tell the hidden keys' order (resolvers/data/list.ts; docs/access-rules.md, "No leaks around the
 * rules"). The SDL is the platform's, the same for every department, so it names both.
 */
function listOrder(r: Resource, key: Item): string {
  const drawn = 'in an order drawn for each record when it was stored, which tells nothing of the keys';
  if (isSensitive(key)) {
    const clear = grantUnmasks(r, key) ? `its provider and a department whose grant unmasks ${r.key}` : 'its provider';
    return `unless orderBy says otherwise, in key order (${r.key}) for ${clear}; for a department that reads ${r.key} masked (${key.sensitivity}) or not at all, ${drawn}.`;
  }
  const keyShare = key.share?.type ?? r.share.type;
  if (keyShare === 'conditional' || key.share) {
    const notGranted = keyShare === 'conditional' ? ' (a grant that leaves it out)' : '';
    return `unless orderBy says otherwise, in key order (${r.key}) where you may read ${r.key}; where you may not${notGranted}, ${drawn}.`;
  }
  return 'in key order unless orderBy says otherwise.';
}

function departmentField(m: ResourceModel, page: { first: number; max: number }): string {
  const r = m.resource;
  const t = m.typeName;
  const key = m.items.get(r.key)!;
  return (
    describe(`${r.name} (${r.code}): a page of records, ${listOrder(r, key)}`, '  ') +
    `  ${r.graphql.list}(\n${listArguments(t, page)}\n  ): ${connectionTypeName(t)}\n` +
    describe(`One ${r.name} record by its key, ${r.key}.`, '  ') +
    `  ${r.graphql.byKey}(\n${describe(key.title ?? key.name, '    ')}    ${r.key}: ${isSensitive(key) ? 'String' : itemOutputType(m, key)}!\n  ): ${t}`
  );
}

function* departmentSDL(d: DepartmentModel, page: { first: number; max: number }): Generator<string> {
  for (let from = 0; from < d.resources.length; from += DEPARTMENT_PART) {
    const block = `{\n${d.resources.slice(from, from + DEPARTMENT_PART).map((m) => departmentField(m, page)).join('\n')}\n}\n`;
    yield from === 0 ? describe(`Resources provided by ${d.department.name} (${d.department.code}).`) + `type ${d.typeName} ${block}` : `extend type ${d.typeName} ${block}`;
  }
}

/** The data part of Query: one field per providing department. */
export function queryFieldsSDL(model: SchemaModel): string {
  return model.departments
    .map((d) => describe(`${d.department.name} (${d.department.code})`, '  ') + `  ${d.department.graphqlName}: ${d.typeName}!`)
    .join('\n');
}

const pageSizes = (p: Platform) => ({ first: defaultPageSize(p), max: maxPageSize(p) });

/** The data SDL in parts, one for the common types, one per department and one per resource. */
function* dataSDLParts(model: SchemaModel): Generator<string> {
  yield COMMON_SDL;
  for (const kind of Object.keys(KIND_SCALAR) as Exclude<ScalarKind, 'enum'>[]) yield kindFilterSDL(kind);
  const page = pageSizes(model.platform);
  for (const d of model.departments) {
    yield* departmentSDL(d, page);
    for (const m of d.resources) yield resourceSDL(m);
  }
}

export function generateDataSDL(model: SchemaModel): string {
  return [...dataSDLParts(model)].join('\n');
}

/**
 * The whole gateway's type definitions (the generated data SDL and the platform's static SDL) as a
 * sequence of small SDL documents, generated one at a time: the schema of a big platform is built from
 * them in steps (src/server/build-schema.ts), so that no step holds the event loop for long.
 */
export function* typeDefParts(model: SchemaModel): Generator<string> {
  yield* dataSDLParts(model);
  const query = queryFieldsSDL(model);
  // Query needs a field of its own before `extend type Query` adds the platform's.
  yield `type Query {\n${query || '  "No department publishes resources yet."\n  _empty: Boolean'}\n}\n`;
  yield platformSDL(model.platform);
}

/**
 * schema/platform.graphql with auditLog's default page as this platform serves it: 50, or its maxPageSize when
 * smaller (a default of 50 on a platform of maxPageSize 10 was shown by GraphiQL and typed clients, and is
 * what graphql-js fills in for a variable left unsent).
 */
function platformSDL(p: Platform): string {
  const sdl = readFileSync(PLATFORM_SDL_FILE, 'utf8');
  const page = defaultPageSize(p, AUDIT_PAGE);
  return page === AUDIT_PAGE ? sdl : sdl.replace(`    first: Int = ${AUDIT_PAGE}\n`, `    first: Int = ${page}\n`);
}

/** The whole gateway's type definitions in one document. */
export function generateTypeDefs(model: SchemaModel): string {
  return [...typeDefParts(model)].join('\n');
}
