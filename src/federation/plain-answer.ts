// When a namespace's answer may be served as plain values. graphql-tools resolves a delegated answer
// through its merged resolvers: every object of it is marked as an external object (three symbol
// properties defined on it, `annotateExternalObject`) and every field below the namespace runs
// `defaultMergedResolver`, which reads the value under its response key and passes it through
// `resolveExternalValue` (a leaf's `parseValue`, an object marked in its turn). Measured on a 100-record
// read, that was a quarter of the connecting side's own work (docs/benchmarks.md). For an object that is
// not an external one, `defaultMergedResolver` does what graphql-js's default resolver does: it reads
// the field by name. So an answer gives the same result either way when:
// - it carries no errors (graphql-tools places them in the data, to be thrown at their paths), and no
//   type merging is involved (one subschema per platform);
// - no field below the namespace is aliased (the default resolver reads the field's name, graphql-tools
//   the response key) nor named like a property every object inherits (`constructor`, `toString`: read
//   by name, a missing one would be the inherited function; graphql-tools reads own properties only);
// - every value has the shape of its type and every leaf is its own `parseValue`: a list is an array, an
//   object an object of an object type (not an interface or union), a leaf unchanged by `parseValue`
//   (graphql-tools passes it `parseValue`'s result, or null where that throws).
// Anything else goes through graphql-tools' own handling, as before.
import {
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLOutputType,
  type SelectionSetNode,
} from 'graphql';

/** Whether the namespace's sub-selection has no alias and no field named like an inherited property (fragments included). */
export function plainSelection(fieldNodes: readonly FieldNode[], fragments: Record<string, FragmentDefinitionNode>): boolean {
  const seen = new Set<string>();
  const plain = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return true;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.alias || (s.name.value !== '__typename' && s.name.value in Object.prototype) || !plain(s.selectionSet)) return false;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        if (!plain(s.selectionSet)) return false;
      } else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment = fragments[s.name.value];
        if (!fragment || !plain(fragment.selectionSet)) return false;
      }
    }
    return true;
  };
  return fieldNodes.every((n) => plain(n.selectionSet));
}

type Check = (value: unknown) => boolean;

/** Each gateway type's check, made once (the type tests of graphql-js are slow to run per value). */
const checks = new WeakMap<GraphQLOutputType, Check>();

/** Whether `value` has the shape of `type` (the gateway's) with every leaf its own `parseValue`. */
export function canonical(value: unknown, type: GraphQLOutputType): boolean {
  return checkOf(type)(value);
}

function checkOf(type: GraphQLOutputType): Check {
  let check = checks.get(type);
  if (!check) checks.set(type, (check = makeCheck(type)));
  return check;
}

function makeCheck(type: GraphQLOutputType): Check {
  const t = isNonNullType(type) ? type.ofType : type;
  if (isListType(t)) {
    let item: Check | undefined;
    return (value) => {
      if (value === null) return true;
      if (!Array.isArray(value)) return false;
      item ??= checkOf(t.ofType);
      for (const v of value) if (!item(v)) return false;
      return true;
    };
  }
  if (isLeafType(t)) {
    return (value) => {
      if (value === null) return true;
      try {
        return t.parseValue(value) === value;
      } catch {
        return false;
      }
    };
  }
  if (!isObjectType(t)) return (value) => value === null;
  // Made on first use: an object type may reach itself.
  let fields: Map<string, Check> | undefined;
  return (value) => {
    if (value === null) return true;
    if (typeof value !== 'object' || Array.isArray(value)) return false;
    fields ??= new Map(Object.values(t.getFields()).map((f) => [f.name, checkOf(f.type)]));
    const o = value as Record<string, unknown>;
    // Keys that are no field of the type (`__typename`) are never read.
    for (const key in o) {
      const check = fields.get(key);
      if (check !== undefined && !check(o[key])) return false;
    }
    return true;
  };
}
